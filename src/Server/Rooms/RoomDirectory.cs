using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Rooms;

/// <summary>
/// This server's connections: their unique nicknames and which room each is in. A dropped JSON client's nickname
/// stays reserved for its identity until it resumes or the resume window ends.
/// </summary>
internal sealed class RoomDirectory(IOptions<ChatOptions> options, TimeProvider clock)
{
    // Guards nickname claims and room membership changes, which are rare; lookups and deliveries do not take it.
    // Lock order (see MessageLog): after ResumableIdentity.Gate and MessageLog._position; before a room's.
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, Room> _rooms = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, ChatSession> _nicks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, ChatSession> _sessions = new();
    private readonly Dictionary<string, ResumableIdentity> _reserved = new(StringComparer.OrdinalIgnoreCase);
    private long _guests;

    public int Count => _sessions.Count;

    public ICollection<ChatSession> Sessions => _sessions.Values;

    /// <summary>This server's rooms with members (a snapshot as it is enumerated).</summary>
    public IEnumerable<Room> Rooms => _rooms.Values;

    /// <summary>Gives a new connection the next free guest nickname and puts it in the default room.</summary>
    public Room Register(ChatSession session)
    {
        lock (_gate)
        {
            string nick;
            do
            {
                nick = $"guest{++_guests}";
            }
            while (IsTaken(nick, session));

            return Attach(session, nick, options.Value.DefaultRoom);
        }
    }

    /// <summary>Gives a connection the nickname it chose (IRC), in no room yet; false when the name is taken.</summary>
    public bool TryRegister(ChatSession session, string nick)
    {
        lock (_gate)
        {
            if (IsTaken(nick, session))
            {
                return false;
            }

            AttachName(session, nick);
            return true;
        }
    }

    /// <summary>Gives a resuming connection (or a guest whose name the cluster gave) its nickname and room.</summary>
    public Room Register(ChatSession session, string nick, string room)
    {
        lock (_gate)
        {
            _reserved.Remove(nick);
            return Attach(session, nick, room);
        }
    }

    /// <summary>
    /// Gives a logged-in connection its account's name as nickname. Whoever had it (an earlier login of the same
    /// account, live or parked) loses it; the caller closes that connection or forgets that identity. The session
    /// goes to the room the earlier holder was in, else the default room; an IRC session goes to none (it joins
    /// channels itself), and the room is null.
    /// </summary>
    public (Room? Room, ChatSession? Displaced, ResumableIdentity? Released) Claim(ChatSession session, string nick)
    {
        lock (_gate)
        {
            var roomName = options.Value.DefaultRoom;
            ChatSession? displaced = null;
            if (_nicks.TryGetValue(nick, out var owner) && !ReferenceEquals(owner, session) && _sessions.TryRemove(owner.Id, out _))
            {
                _nicks.TryRemove(new KeyValuePair<string, ChatSession>(owner.Nick, owner));
                roomName = Exit(owner) is [var first, ..] ? first.Name : roomName;
                displaced = owner;
            }

            if (_reserved.Remove(nick, out var released) && released.IsParked(clock.GetUtcNow()))
            {
                roomName = released.ParkedRoom;
            }

            if (session.Irc is not null)
            {
                AttachName(session, nick);
                return (null, displaced, released);
            }

            return (Attach(session, nick, roomName), displaced, released);
        }
    }

    /// <summary>
    /// Releases the connection's nickname and takes it out of every room it is in, which are returned (its
    /// <see cref="ChatSession.Rooms"/> still names them); null when it was not registered.
    /// </summary>
    public IReadOnlyList<Room>? Unregister(ChatSession session)
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

    /// <summary>Keeps a dropped identity's nickname from others while it may resume.</summary>
    public void Reserve(string nick, ResumableIdentity identity)
    {
        lock (_gate)
        {
            _reserved[nick] = identity;
        }
    }

    /// <summary>Ends the reservation of a parked identity's nickname; returns that identity, or null.</summary>
    public ResumableIdentity? Release(string nick)
    {
        lock (_gate)
        {
            return _reserved.Remove(nick, out var identity) ? identity : null;
        }
    }

    /// <summary>Claims <paramref name="nick"/> for the session; false when another connection or a parked identity has it.</summary>
    public bool TryRename(ChatSession session, string nick)
    {
        lock (_gate)
        {
            if (IsTaken(nick, session))
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

    /// <summary>True when a connection here has <paramref name="nick"/>, or an identity parked here keeps it.</summary>
    public bool Holds(string nick)
    {
        lock (_gate)
        {
            return _nicks.ContainsKey(nick) || _reserved.ContainsKey(nick);
        }
    }

    /// <summary>The nicknames parked identities keep here, with those identities.</summary>
    public IReadOnlyList<(string Nick, ResumableIdentity Identity)> Reserved()
    {
        lock (_gate)
        {
            return [.. _reserved.Select(entry => (entry.Key, entry.Value))];
        }
    }

    /// <summary>A registered connection by its id (the origin of a message), or null once it has gone.</summary>
    public ChatSession? FindById(long id) => _sessions.TryGetValue(id, out var session) ? session : null;

    public Room? FindRoom(string name) => _rooms.TryGetValue(name, out var room) ? room : null;

    /// <summary>Moves the session to <paramref name="roomName"/>, creating the room when it is new.</summary>
    public (Room? Left, Room Joined) Move(ChatSession session, string roomName)
    {
        lock (_gate)
        {
            var left = Exit(session);
            session.Rooms = [];
            return (left is [var from, ..] ? from : null, Enter(session, roomName));
        }
    }

    /// <summary>Puts an IRC session in one more room, creating it when new; null when it is in it already.</summary>
    public Room? Join(ChatSession session, string roomName)
    {
        lock (_gate)
        {
            return session.IsIn(roomName) ? null : Enter(session, roomName);
        }
    }

    /// <summary>Takes an IRC session out of one of its rooms, which is returned; null when it is not in it.</summary>
    public Room? Part(ChatSession session, string roomName)
    {
        lock (_gate)
        {
            if (!session.IsIn(roomName) || !_rooms.TryGetValue(roomName, out var room))
            {
                return null;
            }

            Remove(room, session);
            session.Rooms = [.. session.Rooms.Where(name => !string.Equals(name, roomName, StringComparison.OrdinalIgnoreCase))];
            session.Room = session.Rooms is [.., var last] ? last : string.Empty;
            return room;
        }
    }

    private bool IsTaken(string nick, ChatSession session)
    {
        if (_nicks.TryGetValue(nick, out var owner) && !ReferenceEquals(owner, session))
        {
            return true;
        }

        if (_reserved.TryGetValue(nick, out var identity))
        {
            if (identity.IsParked(clock.GetUtcNow()) && string.Equals(identity.ParkedNick, nick, StringComparison.OrdinalIgnoreCase))
            {
                return !ReferenceEquals(identity, session.Identity);
            }

            _reserved.Remove(nick);
        }

        return false;
    }

    private Room Attach(ChatSession session, string nick, string roomName)
    {
        AttachName(session, nick);
        return Enter(session, roomName);
    }

    private void AttachName(ChatSession session, string nick)
    {
        _sessions[session.Id] = session;
        _nicks[nick] = session;
        session.Nick = nick;
        session.Rooms = [];
        session.Room = string.Empty;
    }

    private Room Enter(ChatSession session, string roomName)
    {
        var room = _rooms.GetOrAdd(roomName, static name => new Room(name));
        room.Add(session);
        session.Rooms = [.. session.Rooms, room.Name];
        session.Room = room.Name;
        return room;
    }

    // Out of every room it is in; its Rooms are left naming them.
    private List<Room> Exit(ChatSession session)
    {
        var left = new List<Room>(session.Rooms.Length);
        foreach (var name in session.Rooms)
        {
            if (_rooms.TryGetValue(name, out var room))
            {
                Remove(room, session);
                left.Add(room);
            }
        }

        return left;
    }

    private void Remove(Room room, ChatSession session)
    {
        if (room.Remove(session) == 0)
        {
            _rooms.TryRemove(room.Name, out _);
        }
    }
}
