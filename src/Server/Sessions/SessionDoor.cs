using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Server.Accounts;
using SocketChat.Server.Clients;
using SocketChat.Server.Rooms;

namespace SocketChat.Server.Sessions;

// The one way in. Every way a connection becomes a session passes here, whatever its protocol or transport: a guest
// (text, JSON, the page), a nickname it chose (IRC), an account's login (any protocol, any device: /login, JSON,
// SASL, PASS) and an identity resumed (JSON or the page, on this node or any other). Each is judged in one order:
//  1. the server's bans (by address, mask or account), against who it asks to be; server operators pass;
//  2. the connection limits, counted when it connected (ConnectionAdmission), before it said anything;
//  3. Chat:Auth:MaxSessionsPerAccount, resumed sessions counted like logins (one beyond takes the oldest's place);
//  4. the cluster's claim on its nickname or account: one atomic script in Redis, so two nodes never both win.
// Users' claims are made here alone (a test reads the IL to hold it so). The log reader checks the server's bans
// again as the session enters its room, in the log's order, for a ban stored after this check.
internal sealed class SessionDoor(Users users, Moderation moderation, AccountStore accounts)
{
    // A guest: the next guest name free across the cluster.
    public async Task<DoorAnswer> GuestAsync(ChatSession session)
    {
        if (Banned(session, nick: string.Empty, account: null) is { } refused)
        {
            return refused;
        }

        await users.RegisterGuestAsync(session);
        return DoorAnswer.In;
    }

    // A nickname the connection chose (IRC's NICK with no accounts); Taken when someone here or elsewhere has it.
    public async Task<DoorAnswer> NamedAsync(ChatSession session, string nick)
    {
        if (Banned(session, nick, account: null) is { } refused)
        {
            return refused;
        }

        return await users.TryRegisterAsync(session, nick) ? DoorAnswer.In : DoorAnswer.Taken;
    }

    // An account the connection proved it owns: one of its devices, in place of another when it has its most. An
    // operator's account passes every ban (it is a server operator from here on).
    public async Task<DoorAnswer> AccountAsync(ChatSession session, string account)
    {
        if (accounts.IsOperator(account))
        {
            session.ServerOperator = true;
        }

        if (Banned(session, account, account) is { } refused)
        {
            return refused;
        }

        using var claiming = users.Claiming(account);
        return await users.ClaimAccountAsync(session, account) is { } claim
            ? DoorAnswer.In with { Claim = claim }
            : DoorAnswer.Refused(new InvalidCommand(
                ErrorCodes.Refused,
                $"{account} is logged in on another server of this cluster; its devices connect to one server at a time: log out there first"));
    }

    // An identity resumed under its token, as nick (its account's name in password mode): its old connection, if
    // still here, replaced; with accounts, counted towards the account's most like a login.
    public async Task<DoorAnswer> ResumeAsync(ChatSession session, ResumableIdentity identity, string nick)
    {
        var account = accounts.Required ? nick : null;
        if (account is not null && accounts.IsOperator(account))
        {
            session.ServerOperator = true;
        }

        if (Banned(session, nick, account) is { } refused)
        {
            return refused;
        }

        // Across a cluster the name is the identity's (owned by its token) or its account's server's, unless its
        // lease ran out and someone else took it meanwhile: then there is nothing to resume. The claim is held until
        // the session is seated: its old connection leaving meanwhile keeps it.
        var claiming = users.Claiming(nick);
        if (!await users.TryClaimForResumeAsync(nick, identity.Token, account is not null))
        {
            claiming.Dispose();
            return DoorAnswer.Taken;
        }

        return DoorAnswer.In with { Seating = claiming };
    }

    // After ResumeAsync let it in and the identity is attached: the name is the resumed connection's; returns the
    // connection over the account's most that it displaces, for the caller to close.
    public ChatSession? Seat(ChatSession session, string nick, ChatSession? previous, DoorAnswer admitted)
    {
        try
        {
            return users.Resume(session, nick, previous);
        }
        finally
        {
            admitted.Seating?.Dispose();
        }
    }

    // A resume let in that found its identity expired after all: its claim goes, unless a connection here has the name.
    public void Abandon(string nick, ResumableIdentity identity, DoorAnswer admitted)
    {
        admitted.Seating?.Dispose();
        users.LetGoUnlessHeld(nick, identity.Token, accounts.Required);
    }

    private DoorAnswer? Banned(ChatSession session, string nick, string? account) =>
        !session.ServerOperator && moderation.ServerBan(new BanMask.Subject(nick, session.Ident?.User, account, session.Address)) is { } ban
            ? DoorAnswer.Refused(Moderation.BannedFromServer(ban)) with { Closes = true }
            : null;
}
