using SocketChat.Protocol.Events;
using SocketChat.Server.Connections;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// A room's members on this server. Only the log reader changes them (LogReader), one entry at a time,
// and only it delivers to them, so it walks them without a lock; what other threads read (the count, the nicknames)
// is taken under _gate, a leaf: held for the set alone, never across a call out. An account's devices are each a
// member but count, and are named, once: the room sees the account.
internal sealed class Room(string name)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ChatSession> _members = [];

    // How many of the members are each account's connections; those without one are counted in _guests.
    private readonly Dictionary<string, int> _accounts = new(StringComparer.OrdinalIgnoreCase);
    private int _guests;

    public string Name => name;

    // Who is here: each guest and each account once.
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _guests + _accounts.Count;
            }
        }
    }

    // How many of account's connections are members.
    public int CountOf(string account)
    {
        lock (_gate)
        {
            return _accounts.GetValueOrDefault(account);
        }
    }

    public bool Has(ChatSession session)
    {
        lock (_gate)
        {
            return _members.Contains(session);
        }
    }

    // The log reader's: adds a member.
    public void Add(ChatSession session)
    {
        lock (_gate)
        {
            if (!_members.Add(session))
            {
                return;
            }

            if (session.Account is { } account)
            {
                _accounts[account] = _accounts.GetValueOrDefault(account) + 1;
            }
            else
            {
                _guests++;
            }
        }
    }

    // The log reader's: removes session; false when it was not a member.
    public bool Remove(ChatSession session)
    {
        lock (_gate)
        {
            if (!_members.Remove(session))
            {
                return false;
            }

            if (session.Account is not { } account)
            {
                _guests--;
            }
            else if (_accounts[account] == 1)
            {
                _accounts.Remove(account);
            }
            else
            {
                _accounts[account]--;
            }

            return true;
        }
    }

    public string[] Nicks()
    {
        string[] nicks;
        lock (_gate)
        {
            nicks = _members.Select(member => member.Nick).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
        }

        Array.Sort(nicks, StringComparer.OrdinalIgnoreCase);
        return nicks;
    }

    // Its members, for the log reader alone (it alone changes them).
    public IEnumerable<ChatSession> Members => _members;

    // The log reader's: encodes event once, however many receive it, and hands it to every member but
    // except (and, with exceptNick, but every member of that name: the sender's other devices, told apart).
    // Members whose queue is full are added to overflowed.
    public int Deliver(ServerEvent @event, ChatSession? except, List<ChatSession> overflowed, string? exceptNick = null)
    {
        var message = new EncodedEvent(@event);
        var delivered = 0;
        foreach (var member in _members)
        {
            if (ReferenceEquals(member, except) || (exceptNick is not null && string.Equals(member.Nick, exceptNick, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }

            if (member.Deliver(message) == EnqueueResult.Full)
            {
                overflowed.Add(member);
                continue;
            }

            delivered++;
            if (except is not null && member.Outbound.IsCongested && !member.Outbound.Lagging)
            {
                except.NoteCongestion(member.Outbound);
            }
        }

        return delivered;
    }
}
