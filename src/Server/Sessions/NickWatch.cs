using SocketChat.Protocol.Events;
using SocketChat.Server.Clients;
using SocketChat.Server.Rooms;

namespace SocketChat.Server.Sessions;

// Who watches whom come and go (IRC MONITOR): each watcher's nicknames, told when one of them gets its first
// connection on this server or loses its last, or is renamed to or from. Another server's users are seen as they are
// asked about (Users.FindAsync), not as they come and go.
internal sealed class NickWatch(Users users)
{
    // The most nicknames one connection watches (MONITOR=100).
    public const int MaxPerWatcher = 100;

    // Guards both tables: a leaf, held for them alone; events are sent after it is let go.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, HashSet<ChatSession>> _watchers = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<ChatSession, HashSet<string>> _watched = [];

    // Adds nicks to what watcher watches; returns those it could not take, past its most.
    public IReadOnlyList<string> Watch(ChatSession watcher, IEnumerable<string> nicks)
    {
        var refused = new List<string>();
        lock (_gate)
        {
            if (!_watched.TryGetValue(watcher, out var mine))
            {
                _watched[watcher] = mine = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            }

            foreach (var nick in nicks)
            {
                if (!mine.Contains(nick) && mine.Count >= MaxPerWatcher)
                {
                    refused.Add(nick);
                    continue;
                }

                mine.Add(nick);
                if (!_watchers.TryGetValue(nick, out var theirs))
                {
                    _watchers[nick] = theirs = [];
                }

                theirs.Add(watcher);
            }
        }

        return refused;
    }

    // Stops watching nicks (all of them when null).
    public void Unwatch(ChatSession watcher, IEnumerable<string>? nicks = null)
    {
        lock (_gate)
        {
            if (!_watched.TryGetValue(watcher, out var mine))
            {
                return;
            }

            foreach (var nick in nicks?.ToList() ?? [.. mine])
            {
                mine.Remove(nick);
                if (_watchers.TryGetValue(nick, out var theirs) && theirs.Remove(watcher) && theirs.Count == 0)
                {
                    _watchers.Remove(nick);
                }
            }

            if (mine.Count == 0)
            {
                _watched.Remove(watcher);
            }
        }
    }

    public IReadOnlyList<string> Watched(ChatSession watcher)
    {
        lock (_gate)
        {
            return _watched.TryGetValue(watcher, out var mine) ? [.. mine.Order(StringComparer.OrdinalIgnoreCase)] : [];
        }
    }

    // nick has its first connection here (registered, resumed, renamed to).
    public void Online(string nick) => Tell(nick, online: true);

    // nick's last connection here went (or was renamed from).
    public void Offline(string nick)
    {
        if (users.FindByNick(nick) is null)
        {
            Tell(nick, online: false);
        }
    }

    private void Tell(string nick, bool online)
    {
        List<ChatSession> watchers;
        lock (_gate)
        {
            if (!_watchers.TryGetValue(nick, out var theirs))
            {
                return;
            }

            watchers = [.. theirs];
        }

        foreach (var watcher in watchers)
        {
            watcher.Send(new WatchEvent([nick], online));
        }
    }
}
