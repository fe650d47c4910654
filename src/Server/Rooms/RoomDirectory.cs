using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Rooms;

/// <summary>This server's connections: their unique nicknames and which room each is in.</summary>
internal sealed class RoomDirectory(IOptions<ChatOptions> options)
{
    // Guards nickname claims and room membership changes, which are rare; lookups and deliveries do not take it.
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ChatSession> _nicks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, ChatSession> _sessions = new();
    private long _guests;

    public int Count => _sessions.Count;

    public ICollection<ChatSession> Sessions => _sessions.Values;

    /// <summary>Gives a new connection the next free guest nickname and puts it in the default room.</summary>
    public Room Register(ChatSession session)
    {
        lock (_gate)
        {
            _sessions[session.Id] = session;
            string nick;
            do
            {
                nick = $"guest{++_guests}";
            }
            while (!_nicks.TryAdd(nick, session));

            session.Nick = nick;
            return Enter(session, options.Value.DefaultRoom);
        }
    }

    /// <summary>Releases the connection's nickname and takes it out of its room, which is returned.</summary>
    public Room? Unregister(ChatSession session)
    {
        lock (_gate)
        {
            if (!_sessions.TryRemove(session.Id, out _))
            {
                return null;
            }

            _nicks.TryRemove(new KeyValuePair<string, ChatSession>(session.Nick, session));
            return Exit(session);
        }
    }

    /// <summary>Claims <paramref name="nick"/> for the session; false when another connection has it.</summary>
    public bool TryRename(ChatSession session, string nick)
    {
        lock (_gate)
        {
            if (_nicks.TryGetValue(nick, out var owner) && !ReferenceEquals(owner, session))
            {
                return false;
            }

            _nicks.TryRemove(new KeyValuePair<string, ChatSession>(session.Nick, session));
            _nicks[nick] = session;
            session.Nick = nick;
            return true;
        }
    }

    public ChatSession? FindByNick(string nick) => _nicks.TryGetValue(nick, out var session) ? session : null;

    public Room? FindRoom(string name) => _rooms.TryGetValue(name, out var room) ? room : null;

    /// <summary>Moves the session to <paramref name="roomName"/>, creating the room when it is new.</summary>
    public (Room? Left, Room Joined) Move(ChatSession session, string roomName)
    {
        lock (_gate)
        {
            var left = Exit(session);
            return (left, Enter(session, roomName));
        }
    }

    private Room Enter(ChatSession session, string roomName)
    {
        var room = _rooms.GetOrAdd(roomName, static name => new Room(name));
        room.Add(session);
        session.Room = room.Name;
        return room;
    }

    private Room? Exit(ChatSession session)
    {
        if (!_rooms.TryGetValue(session.Room, out var room))
        {
            return null;
        }

        if (room.Remove(session) == 0)
        {
            _rooms.TryRemove(room.Name, out _);
        }

        return room;
    }
}
