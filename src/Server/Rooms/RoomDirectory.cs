using System.Collections.Concurrent;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// This server's rooms and who is in each: the log applied (LogReader), changed by the reader alone,
// one entry at a time; anyone may look a room up. A room nobody is in is let go.
internal sealed class RoomDirectory
{
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.OrdinalIgnoreCase);

    // This server's rooms with members (a snapshot as it is enumerated).
    public IEnumerable<Room> Rooms => _rooms.Values;

    public Room? FindRoom(string name) => _rooms.TryGetValue(name, out var room) ? room : null;

    // The reader's: puts the session in one more room, creating it when new; null when it is in it already.
    public Room? Enter(ChatSession session, string roomName)
    {
        if (session.IsIn(roomName))
        {
            return null;
        }

        var room = _rooms.GetOrAdd(roomName, static name => new Room(name));
        room.Add(session);
        session.Rooms = [.. session.Rooms, room.Name];
        session.Room = room.Name;
        return room;
    }

    // The reader's: takes the session out of one of its rooms; null when it is not in it.
    public Room? Exit(ChatSession session, string roomName)
    {
        if (!session.IsIn(roomName) || FindRoom(roomName) is not { } room)
        {
            return null;
        }

        Remove(room, session);
        session.Rooms = [.. session.Rooms.Where(name => !string.Equals(name, roomName, StringComparison.OrdinalIgnoreCase))];
        session.Room = session.Rooms is [.., var last] ? last : string.Empty;
        return room;
    }

    // The reader's: takes the session out of every room it is a member of, which are returned.
    public List<Room> ExitAll(ChatSession session)
    {
        var left = new List<Room>(session.Rooms.Length);
        foreach (var name in session.Rooms)
        {
            if (FindRoom(name) is { } room && room.Has(session))
            {
                Remove(room, session);
                left.Add(room);
            }
        }

        session.Rooms = [];
        session.Room = string.Empty;
        return left;
    }

    private void Remove(Room room, ChatSession session)
    {
        if (room.Remove(session) && room.Count == 0)
        {
            _rooms.TryRemove(new KeyValuePair<string, Room>(room.Name, room));
        }
    }
}
