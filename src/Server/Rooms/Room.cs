using SocketChat.Protocol.Events;
using SocketChat.Server.Connections;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// A room's members on this server. Only the log reader changes them (LogReader), one entry at a time,
// and only it delivers to them, so it walks them without a lock; what other threads read (the count, the nicknames)
// is taken under _gate, a leaf: held for the set alone, never across a call out.
internal sealed class Room(string name)
{
    private readonly Lock _gate = new();
    private readonly HashSet<ChatSession> _members = [];

    public string Name => name;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _members.Count;
            }
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
            _members.Add(session);
        }
    }

    // The log reader's: removes session; false when it was not a member.
    public bool Remove(ChatSession session)
    {
        lock (_gate)
        {
            return _members.Remove(session);
        }
    }

    public string[] Nicks()
    {
        string[] nicks;
        lock (_gate)
        {
            nicks = _members.Select(member => member.Nick).ToArray();
        }

        Array.Sort(nicks, StringComparer.OrdinalIgnoreCase);
        return nicks;
    }

    // The log reader's: encodes event once, however many receive it, and hands it to every member but
    // except. Members whose queue is full are added to overflowed.
    public int Deliver(ServerEvent @event, ChatSession? except, List<ChatSession> overflowed)
    {
        var message = new EncodedEvent(@event);
        var delivered = 0;
        foreach (var member in _members)
        {
            if (ReferenceEquals(member, except))
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
