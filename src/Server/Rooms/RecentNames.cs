using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// Nicknames let go lately, for IRC's WHOWAS: who held each (the user and real name it gave, or its nickname), and
// when it let go. The newest Capacity are kept, oldest forgotten first. Recorded by the log reader as a connection of
// any kind leaves or renames; read by any thread. _gate is a leaf: held for the ring alone, never across a call out.
internal sealed class RecentNames(TimeProvider clock)
{
    public const int Capacity = 1000;

    private readonly Lock _gate = new();
    private readonly Entry[] _ring = new Entry[Capacity];
    private int _next;
    private int _count;

    public readonly record struct Entry(string Nick, string User, string RealName, DateTimeOffset Until);

    // nick was let go now; ident is what its holder said of itself (null: it said nothing but its name).
    public void LetGo(string nick, ClientIdent? ident)
    {
        var entry = new Entry(nick, ident?.User ?? nick, ident?.RealName ?? nick, clock.GetUtcNow());
        lock (_gate)
        {
            _ring[_next] = entry;
            _next = (_next + 1) % Capacity;
            _count = Math.Min(_count + 1, Capacity);
        }
    }

    // Who held nick (compared without regard to case), newest first, at most max of them (0: all kept).
    public List<Entry> Find(string nick, int max = 0)
    {
        var found = new List<Entry>();
        lock (_gate)
        {
            for (var back = 1; back <= _count && (max <= 0 || found.Count < max); back++)
            {
                var entry = _ring[(_next - back + Capacity) % Capacity];
                if (string.Equals(entry.Nick, nick, StringComparison.OrdinalIgnoreCase))
                {
                    found.Add(entry);
                }
            }
        }

        return found;
    }
}
