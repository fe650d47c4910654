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
// resume window ends. With accounts, several connections (an account's devices, Chat:Auth:MaxSessionsPerAccount)
// may share one name: the oldest is the one FindByNick gives, SessionsOf gives them all.
internal sealed class Users(INameRegistry cluster, IOptions<ChatOptions> options, TimeProvider clock)
{
    // Guards the name tables: a leaf, held for them alone, never across a call out. Lookups do not take it.
    private readonly Lock _gate = new();
    // Each name's connections, oldest first: one, or an account's devices. Replaced whole under _gate.
    private readonly ConcurrentDictionary<string, ChatSession[]> _nicks = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<long, ChatSession> _sessions = new();
    private readonly Dictionary<string, ResumableIdentity> _reserved = new(StringComparer.OrdinalIgnoreCase);

    // Names the door is claiming (between its claim in the cluster and the session taking the name here): a
    // connection of the same name leaving meanwhile must not let the claim go.
    private readonly Dictionary<string, int> _claiming = new(StringComparer.OrdinalIgnoreCase);
    private long _guests;

    public int Count => _sessions.Count;

    public ICollection<ChatSession> Sessions => _sessions.Values;

    public ChatSession? FindByNick(string nick) => _nicks.TryGetValue(nick, out var sessions) && sessions is [var first, ..] ? first : null;

    // Every connection with nick here: an account's devices, oldest first; empty when none.
    public ChatSession[] SessionsOf(string nick) => _nicks.TryGetValue(nick, out var sessions) ? sessions : [];

    // The other connections of session's account here (its other devices); empty for a guest.
    public IEnumerable<ChatSession> SiblingsOf(ChatSession session) =>
        session.Account is null ? [] : SessionsOf(session.Nick).Where(other => !ReferenceEquals(other, session));

    // A registered connection by its id (the origin of a message), or null once it has gone.
    public ChatSession? FindById(long id) => _sessions.TryGetValue(id, out var session) ? session : null;

    // The nickname's spelling when someone here or (cluster) elsewhere has it; null when nobody does.
    public async ValueTask<string?> FindAsync(string nick) => FindByNick(nick)?.Nick ?? await cluster.FindAsync(nick);

    // Who holds a name across the cluster for session. An account is held by this server for all its devices (any of
    // them renews it and it goes with the last), so another server's login is refused while this one has it, and a
    // login here is never refused by its own server's claim; a guest's name by its connection or resumable identity.
    public string Owner(ChatSession session) => session.Account is { } account ? AccountOwner(account) : session.NameOwner(options.Value.Run);

    private string AccountOwner(string account) => $"a:{options.Value.Run}:{account}";

    // An account may be logged in from several connections at once.
    public bool SeveralPerAccount => options.Value.Auth.MaxSessionsPerAccount > 1;

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
                    Detach(session);
                    Attach(session, nick);
                }
            }
        }

        if (!sameName)
        {
            cluster.Release(renamed ? old : nick, Owner(session));
        }

        return renamed;
    }

    // Password mode: gives a logged-in connection its account's name. With one session per account, whoever had it
    // here (an earlier login, live or parked) loses it; with several, only the same device's earlier connection, or
    // the oldest when the account has its most, is displaced; the caller closes that connection or forgets that
    // identity. Null when another server of the cluster has the account: the claim is one atomic script in Redis,
    // free or this server's already, so two servers can never both win it, whatever this one holds locally.
    public async Task<AccountClaim?> ClaimAccountAsync(ChatSession session, string account)
    {
        if (!await cluster.TryClaimAsync(account, AccountOwner(account)))
        {
            return null;
        }

        lock (_gate)
        {
            var displaced = OverTheMost(session, SessionsOf(account).Where(owner => !ReferenceEquals(owner, session)).ToList());
            if (displaced is not null && _sessions.TryRemove(displaced.Id, out _))
            {
                Detach(displaced);
            }
            else
            {
                displaced = null;
            }

            // The parked identity an earlier connection left: this one's, taken over (one session per account, or
            // the same device); another device's stays, for its own resume, and only says where the account was.
            ResumableIdentity? released = null;
            string? parkedRoom = null;
            if (_reserved.TryGetValue(account, out var reserved))
            {
                if (!SeveralPerAccount || string.Equals(reserved.Device, session.Device, StringComparison.OrdinalIgnoreCase))
                {
                    _reserved.Remove(account);
                    released = reserved;
                }

                if (reserved.IsParked(clock.GetUtcNow()))
                {
                    parkedRoom = reserved.ParkedRoom;
                }
            }

            Attach(session, account);
            return new AccountClaim(displaced, released, parkedRoom);
        }
    }

    // Under _gate: which of an account's other connections here (current) a new one of session's takes the place of,
    // if any: with one session per account, the one there; with several, one not logged in, the same device's, or
    // the oldest when the account has its most (Chat:Auth:MaxSessionsPerAccount, resumed ones counted alike).
    private ChatSession? OverTheMost(ChatSession session, List<ChatSession> current)
    {
        var most = options.Value.Auth.MaxSessionsPerAccount;
        return most == 1
            ? current.FirstOrDefault()
            : current.FirstOrDefault(owner => owner.Account is null)
                ?? current.FirstOrDefault(owner => session.Device is { } device && string.Equals(owner.Device, device, StringComparison.OrdinalIgnoreCase))
                ?? (current.Count >= most ? current[0] : null);
    }

    // A resuming identity claims its name across the cluster (its token owns a guest's name; an account is this
    // server's); false when someone else took it, or the account is logged in on another server.
    public ValueTask<bool> TryClaimForResumeAsync(string nick, string token, bool account) =>
        cluster.TryClaimAsync(nick, account ? AccountOwner(nick) : $"t:{token}");

    // Gives a resuming connection its identity's name, taking it from previous (the identity's earlier, half-open
    // connection) if it still has it. An account's resumed connection counts towards its most like a login: one
    // beyond it takes the place of the account's oldest here, which is returned for the caller to close.
    public ChatSession? Resume(ChatSession session, string nick, ChatSession? previous)
    {
        lock (_gate)
        {
            if (previous is not null && _sessions.TryRemove(previous.Id, out _))
            {
                Detach(previous);
            }

            ChatSession? displaced = null;
            if (session.Account is not null
                && OverTheMost(session, [.. SessionsOf(nick).Where(owner => !ReferenceEquals(owner, session))]) is { } over
                && _sessions.TryRemove(over.Id, out _))
            {
                Detach(over);
                displaced = over;
            }

            if (_reserved.TryGetValue(nick, out var reserved) && ReferenceEquals(reserved, session.Identity))
            {
                _reserved.Remove(nick);
            }

            Attach(session, nick);
            return displaced;
        }
    }

    // Lets go of a leaving connection's name, here and (unless keepClaim: a parked identity keeps
    // it while it may resume, or another device of its account still has it) across the cluster; false when it had
    // none (never registered, or displaced).
    public bool Unregister(ChatSession session, bool keepClaim = false)
    {
        lock (_gate)
        {
            if (!_sessions.TryRemove(session.Id, out _))
            {
                return false;
            }

            Detach(session);
            keepClaim |= _nicks.ContainsKey(session.Nick) || _claiming.ContainsKey(session.Nick);
        }

        if (!keepClaim)
        {
            cluster.Release(session.Nick, Owner(session));
        }

        return true;
    }

    // A claim made for a resume that did not happen goes, unless a connection here has the name or claims it.
    public void LetGoUnlessHeld(string nick, string token, bool account)
    {
        lock (_gate)
        {
            if (_nicks.ContainsKey(nick) || _claiming.ContainsKey(nick))
            {
                return;
            }
        }

        cluster.Release(nick, account ? AccountOwner(nick) : $"t:{token}");
    }

    // The door claims nick (until disposed): a connection of that name leaving meanwhile keeps the cluster's claim,
    // which is the newcomer's from then on.
    public IDisposable Claiming(string nick)
    {
        lock (_gate)
        {
            _claiming[nick] = _claiming.GetValueOrDefault(nick) + 1;
        }

        return new ClaimUnderWay(this, nick);
    }

    private void Claimed(string nick)
    {
        lock (_gate)
        {
            if (_claiming[nick] == 1)
            {
                _claiming.Remove(nick);
            }
            else
            {
                _claiming[nick]--;
            }
        }
    }

    private sealed class ClaimUnderWay(Users users, string nick) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                users.Claimed(nick);
            }
        }
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
        if (_nicks.TryGetValue(nick, out var owners) && owners.Any(owner => !ReferenceEquals(owner, session)))
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

    // Under _gate.
    private void Attach(ChatSession session, string nick)
    {
        _sessions[session.Id] = session;
        var owners = SessionsOf(nick);
        _nicks[nick] = owners.Contains(session) ? owners : [.. owners, session];
        session.Nick = nick;
    }

    // Under _gate: takes session off its name's connections.
    private void Detach(ChatSession session)
    {
        if (!_nicks.TryGetValue(session.Nick, out var owners) || !owners.Contains(session))
        {
            return;
        }

        if (owners.Length == 1)
        {
            _nicks.TryRemove(session.Nick, out _);
        }
        else
        {
            _nicks[session.Nick] = [.. owners.Where(owner => !ReferenceEquals(owner, session))];
        }
    }
}

// What a login took over: the connection it displaced, the parked identity it released, and the room the account's
// parked identity was in.
internal sealed record AccountClaim(ChatSession? Displaced, ResumableIdentity? Released, string? ParkedRoom);
