using SocketChat.Protocol.Events;
using SocketChat.Server.Connections;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Rooms;

/// <summary>A room's members. Enqueueing under the room's lock gives every member the room's events in one order.</summary>
internal sealed class Room(string name)
{
    // Lock order (see MessageLog): after MessageLog._position and RoomDirectory._gate; before a member's queue and congestion locks.
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

    /// <summary>Adds a member.</summary>
    public void Add(ChatSession session)
    {
        lock (_gate)
        {
            _members.Add(session);
        }
    }

    /// <summary>Removes <paramref name="session"/>; returns how many members remain.</summary>
    public int Remove(ChatSession session)
    {
        lock (_gate)
        {
            _members.Remove(session);
            return _members.Count;
        }
    }

    public string[] Nicks()
    {
        lock (_gate)
        {
            var nicks = _members.Select(member => member.Nick).ToArray();
            Array.Sort(nicks, StringComparer.OrdinalIgnoreCase);
            return nicks;
        }
    }

    /// <summary>
    /// Creates the event (once, however many receive it), encodes it once and hands it to every member but
    /// <paramref name="except"/>. Members whose queue is full are added to <paramref name="overflowed"/>.
    /// </summary>
    public EncodedEvent Deliver(Func<ServerEvent> create, ChatSession? except, List<ChatSession> overflowed, out int delivered)
    {
        lock (_gate)
        {
            var message = new EncodedEvent(create());
            delivered = 0;
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

            return message;
        }
    }
}
