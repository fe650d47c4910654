using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// Nicknames: the one place a name is claimed, renamed and let go, in the cluster (INameRegistry, a
// round trip, taken first) and on this server, where each registered connection has one, found by name or id. A
// claim answers its caller at once (taken or not), so it is not a log entry; what rooms hear of it is
// (RoomChange). A dropped JSON client's name stays reserved for its identity until it resumes or the
// resume window ends.
internal sealed class Users(INameRegistry cluster, IOptions<ChatOptions> options, TimeProvider clock)
{
    // Guards the name tables: a leaf, held for them alone, never across a call out. Lookups do not take it.
    private readonly Lock _gate = new();
    private readonly ConcurrentDictionary<string, ChatSession> _nicks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, ChatSession> _sessions = new();
    private readonly Dictionary<string, ResumableIdentity> _reserved = new(StringComparer.OrdinalIgnoreCase);
    private long _guests;

    public int Count => _sessions.Count;

    public ICollection<ChatSession> Sessions => _sessions.Values;

    public ChatSession? FindByNick(string nick) => _nicks.TryGetValue(nick, out var session) ? session : null;

    // A registered connection by its id (the origin of a message), or null once it has gone.
    public ChatSession? FindById(long id) => _sessions.TryGetValue(id, out var session) ? session : null;

    // The nickname's spelling when someone here or (cluster) elsewhere has it; null when nobody does.
    public async ValueTask<string?> FindAsync(string nick) => FindByNick(nick)?.Nick ?? await cluster.FindAsync(nick);

    private string Owner(ChatSession session) => session.NameOwner(options.Value.Run);

    // Gives a new connection the next guest name free across the cluster; returns it.
    public async Task<string> RegisterGuestAsync(ChatSession session)
    {
        var guest = await cluster.ClaimGuestAsync(Owner(session));
        lock (_gate)
        {
            if (guest is null)
            {
                do
                {
                    guest = $"guest{++_guests}";
                }
                while (IsTaken(guest, session));
            }

            _reserved.Remove(guest);
            Attach(session, guest);
            return guest;
        }
    }

    // Gives a connection the nickname it chose (IRC); false when it is taken here or elsewhere.
    public async Task<bool> TryRegisterAsync(ChatSession session, string nick)
    {
        if (!await cluster.TryClaimAsync(nick, Owner(session)))
        {
            return false;
        }

        lock (_gate)
        {
            if (!IsTaken(nick, session))
            {
                Attach(session, nick);
                return true;
            }
        }

        cluster.Release(nick, Owner(session));
        return false;
    }

    // Renames the session; false when the name is taken (by another connection, or a parked identity).
    public async Task<bool> TryRenameAsync(ChatSession session, string nick)
    {
        var old = session.Nick;
        var sameName = string.Equals(nick, old, StringComparison.OrdinalIgnoreCase);
        var renamed = await cluster.TryClaimAsync(nick, Owner(session));
        if (renamed)
        {
            lock (_gate)
            {
                renamed = !IsTaken(nick, session);
                if (renamed)
                {
                    _nicks.TryRemove(new KeyValuePair<string, ChatSession>(old, session));
                    _nicks[nick] = session;
                    session.Nick = nick;
                }
            }
        }

        if (!sameName)
        {
            cluster.Release(renamed ? old : nick, Owner(session));
        }

        return renamed;
    }

    // Password mode: gives a logged-in connection its account's name. Whoever had it here (an earlier login of the
    // same account, live or parked) loses it; the caller closes that connection or forgets that identity. Null when
    // a connection on another server of the cluster has it.
    public async Task<AccountClaim?> ClaimAccountAsync(ChatSession session, string account)
    {
        if (!await cluster.TryClaimAsync(account, Owner(session)))
        {
            if (!Holds(account))
            {
                return null;
            }

            // Held here: this login takes it over, so it takes the name over too.
            await cluster.ForceClaimAsync(account, Owner(session));
        }

        lock (_gate)
        {
            ChatSession? displaced = null;
            if (_nicks.TryGetValue(account, out var owner) && !ReferenceEquals(owner, session) && _sessions.TryRemove(owner.Id, out _))
            {
                _nicks.TryRemove(new KeyValuePair<string, ChatSession>(owner.Nick, owner));
                displaced = owner;
            }

            string? parkedRoom = null;
            if (_reserved.Remove(account, out var released) && released.IsParked(clock.GetUtcNow()))
            {
                parkedRoom = released.ParkedRoom;
            }

            Attach(session, account);
            return new AccountClaim(displaced, released, parkedRoom);
        }
    }

    // A resuming identity claims its name across the cluster (its token owns it); false when someone else took it.
    public ValueTask<bool> TryClaimForResumeAsync(string nick, string token) => cluster.TryClaimAsync(nick, $"t:{token}");

    // Gives a resuming connection its identity's name, taking it from previous (the identity's
    // earlier, half-open connection) if it still has it.
    public void Resume(ChatSession session, string nick, ChatSession? previous)
    {
        lock (_gate)
        {
            if (previous is not null && _sessions.TryRemove(previous.Id, out _))
            {
                _nicks.TryRemove(new KeyValuePair<string, ChatSession>(previous.Nick, previous));
            }

            _reserved.Remove(nick);
            Attach(session, nick);
        }
    }

    // Lets go of a leaving connection's name, here and (unless keepClaim: a parked identity keeps
    // it while it may resume) across the cluster; false when it had none (never registered, or displaced).
    public bool Unregister(ChatSession session, bool keepClaim = false)
    {
        lock (_gate)
        {
            if (!_sessions.TryRemove(session.Id, out _))
            {
                return false;
            }

            _nicks.TryRemove(new KeyValuePair<string, ChatSession>(session.Nick, session));
        }

        if (!keepClaim)
        {
            cluster.Release(session.Nick, Owner(session));
        }

        return true;
    }

    // Keeps a dropped identity's nickname from others while it may resume.
    public void Reserve(string nick, ResumableIdentity identity)
    {
        lock (_gate)
        {
            _reserved[nick] = identity;
        }
    }

    // Ends the reservation of a parked identity's nickname; returns that identity, or null.
    public ResumableIdentity? Release(string nick)
    {
        lock (_gate)
        {
            return _reserved.Remove(nick, out var identity) ? identity : null;
        }
    }

    // True when a connection here has nick, or an identity parked here keeps it.
    public bool Holds(string nick)
    {
        lock (_gate)
        {
            return _nicks.ContainsKey(nick) || _reserved.ContainsKey(nick);
        }
    }

    // The nicknames parked identities keep here, with those identities.
    public IReadOnlyList<(string Nick, ResumableIdentity Identity)> Reserved()
    {
        lock (_gate)
        {
            return [.. _reserved.Select(entry => (entry.Key, entry.Value))];
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

    private void Attach(ChatSession session, string nick)
    {
        _sessions[session.Id] = session;
        _nicks[nick] = session;
        session.Nick = nick;
    }
}

// What a login took over: the connection it displaced, the parked identity it released and that one's room.
internal sealed record AccountClaim(ChatSession? Displaced, ResumableIdentity? Released, string? ParkedRoom);
