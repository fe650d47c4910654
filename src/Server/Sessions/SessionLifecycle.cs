using Microsoft.Extensions.Logging;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Accounts;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Operator;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Sessions;

// How a connection gets its identity (greeted as a guest, logged in, or resuming a dropped one) and how it lets go
// of it: its name is claimed (Users), then the log reader puts it in its room, then it is welcomed
// and shown the room's history up to where it entered.
internal sealed class SessionLifecycle(
    Users users,
    SessionDoor door,
    LogReader reader,
    Microsoft.Extensions.Options.IOptions<Configuration.ChatOptions> options,
    AccountStore accounts,
    RoomHistory history,
    MessageLog log,
    ResumeRegistry resumes,
    ServerMetrics metrics,
    OperatorDisplay display,
    Moderation moderation,
    AccountPlaces places,
    NickWatch watch,
    TimeProvider clock,
    ILogger<SessionLifecycle> logger)
{
    private static readonly TimeSpan LeavingWait = TimeSpan.FromSeconds(2);

    // Greets a connection whose first line was not /json (or that sent nothing yet) as a text-mode guest.
    public async Task GreetAsTextAsync(ChatSession session)
    {
        if (accounts.Required)
        {
            AskToLogIn(session);
            return;
        }

        await GreetAsGuestAsync(session, token: null);
    }

    private async Task GreetAsGuestAsync(ChatSession session, string? token)
    {
        // Held from before it has a name: a private message to it waits behind its welcome.
        session.Outbound.Hold();
        if (await ReleasingOnFailure(session, door.GuestAsync(session)) is { Admitted: false } turnedAway)
        {
            session.Outbound.Release();
            TurnAway(session, turnedAway);
            return;
        }

        await GreetAsync(session, new Arrive(session, options.Value.DefaultRoom), token);
    }

    // The door said no: the connection is told why, and closed when it must go (a ban).
    private static void TurnAway(ChatSession session, DoorAnswer answer)
    {
        if (answer.Refusal is { } refusal)
        {
            session.Send(new ErrorEvent(refusal.Code, refusal.Message));
        }

        if (answer.Closes)
        {
            session.StopReading(answer.Refusal?.Message ?? "turned away");
        }
    }

    // Registers an IRC connection under the nickname it chose, in no channel yet; false when the name is taken
    // (here, reserved for a dropped client, or on another server of the cluster). A banned one is told and closed.
    public async Task<bool> GreetAsNamedAsync(ChatSession session, string nick)
    {
        // A client that reconnects at once may find its name still held by its own connection that just closed,
        // being let go: it waits for that (briefly) rather than be told the name is taken.
        if (users.FindByNick(nick) is { Leaving: true } leaving)
        {
            await leaving.WhenGoneAsync().WaitAsync(LeavingWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        session.Outbound.Hold();
        if (await ReleasingOnFailure(session, door.NamedAsync(session, nick)) is { Admitted: false } turnedAway)
        {
            session.Outbound.Release();
            TurnAway(session, turnedAway);
            return turnedAway.Refusal is not null;
        }

        await GreetAsync(session, new Arrive(session, Room: null), token: null);
        return true;
    }

    // Handles the first line /json: resumes the identity it names, or greets a new JSON-mode guest.
    public async Task StartJsonAsync(ChatSession session, JsonModeCommand command)
    {
        if (session.Registered)
        {
            // Its /json came after the greeting delay: the text guest it was given leaves again.
            session.Registered = false;
            await reader.ChangeAsync(new Depart(session, Reason: null, Disconnected: false));
            users.Unregister(session);
        }

        session.Mode = WireMode.Json;
        ServerLog.JsonModeOn(logger, session.RemoteEndPoint);
        if (command.ResumeToken is { } token)
        {
            var resumed = resumes.Enabled ? await TryResumeAsync(session, token, command.LastId) : Resumption.Failed;
            if (resumed != Resumption.Failed)
            {
                return;
            }

            session.Send(new ErrorEvent(ErrorCodes.ResumeFailed, accounts.Required
                ? "cannot resume: the token is unknown or has expired; log in again"
                : "cannot resume: the token is unknown or has expired; continuing as a new guest"));
        }

        if (accounts.Required)
        {
            // A connection told to log in as text (its /json came after the greeting delay, as a TLS client's may)
            // is told again in JSON, which is all a JSON client reads.
            session.AwaitingLogin = false;
            AskToLogIn(session);
            return;
        }

        if (resumes.Enabled)
        {
            session.Identity = resumes.Create(session);
        }

        await GreetAsGuestAsync(session, session.Identity?.Token);
    }

    // Password mode: the connection proved it owns account. With several connections per account
    // (Chat:Auth:MaxSessionsPerAccount) it is one more device of the account, in the account's rooms, unless it is
    // the same device again or one too many: then, as with one per account, an earlier one (or a dropped JSON
    // client's parked identity) is closed and this one takes its place and room.
    public async Task LogInAsync(ChatSession session, string account, long? lastId = null)
    {
        session.AwaitingLogin = false;
        session.Account = account;
        if (session.Mode == WireMode.Json && resumes.Enabled)
        {
            session.Identity = resumes.Create(session, session.Device);
        }

        // Where this device got to: what the client says it was shown, else what was last written to it. Its private
        // lines from here until it arrives are read from the store (ChatSession.Arriving), with what it missed.
        var kept = await places.LogInAsync(account, session.Device);
        var missedAfter = lastId ?? kept;
        var since = log.LastDelivered;
        session.Arriving = true;

        // The door: the server's bans (an operator's account passes), the account's most, and across a cluster the
        // account held by another server (this login is refused rather than two servers sharing an account).
        session.Outbound.Hold();
        var answer = await ReleasingOnFailure(session, door.AccountAsync(session, account));
        if (answer.Claim is not { } claim)
        {
            session.Arriving = false;
            session.Outbound.Release();
            session.Account = null;
            session.AwaitingLogin = !answer.Closes;
            TurnAway(session, answer with { Closes = true });
            return;
        }

        ServerLog.LoggedIn(logger, account, session.RemoteEndPoint);
        if (accounts.IsOperator(account))
        {
            ServerLog.BecameOperator(logger, account, "operator account");
        }

        if (claim.Released is { } released)
        {
            resumes.Forget(released);
        }

        // The room the earlier connection was in (its parked identity's, if it had one), else the default; a client
        // that registers itself (IRC) joins channels itself. The room hears the earlier connection leave before this one joins.
        var room = session.Protocol.RegistersItself ? null : claim.ParkedRoom ?? options.Value.DefaultRoom;
        var entered = await history.EnterAsync(session, new Arrive(session, room, claim.Displaced, FollowDisplaced: claim.ParkedRoom is null));
        if (claim.Displaced is { } displaced)
        {
            Displace(displaced, session, account);
        }

        await WelcomeAsync(session, entered, session.Identity?.Token, new Past(missedAfter, since));
        if (missedAfter is { } after && session.Device is { } device)
        {
            ServerLog.DeviceResumed(logger, device, account, session.RemoteEndPoint, after);
        }
    }

    private void Displace(ChatSession displaced, ChatSession session, string account)
    {
        if (displaced.Identity is { } identity)
        {
            resumes.Forget(identity);
        }

        displaced.Send(new ErrorEvent(ErrorCodes.LoggedInElsewhere, session.Device is { } device && string.Equals(displaced.Device, device, StringComparison.OrdinalIgnoreCase)
            ? $"this device ({device}) logged in again from {session.RemoteEndPoint}; this connection closes"
            : users.SeveralPerAccount
                ? $"your account logged in from {session.RemoteEndPoint} with its most connections already; this one, its oldest, closes"
                : $"you logged in again from {session.RemoteEndPoint}; this connection closes"));
        displaced.StopReading("logged in again elsewhere");
        ServerLog.LoginReplaced(logger, account, session.RemoteEndPoint, displaced.RemoteEndPoint);
    }

    // Closes the connections of accounts removed from the accounts file, and forgets their parked identities.
    public void Evict(IEnumerable<string> removedAccounts)
    {
        foreach (var account in removedAccounts)
        {
            if (users.Release(account) is { } parked)
            {
                resumes.Forget(parked);
            }

            foreach (var session in users.SessionsOf(account).Where(session => session.Account is not null))
            {
                session.Send(new ErrorEvent(ErrorCodes.Refused, "your account was removed"));
                session.StopReading("account removed");
            }
        }
    }

    private static void AskToLogIn(ChatSession session)
    {
        if (!session.AwaitingLogin)
        {
            session.AwaitingLogin = true;
            session.Send(new LoginRequiredEvent());
        }
    }

    // The connection has closed: its rooms hear it leave, then its name is let go (or kept while it may resume).
    public async Task DisconnectAsync(ChatSession session, string reason)
    {
        try
        {
            await LeaveAsync(session, reason);
        }
        finally
        {
            session.Left();
        }
    }

    private async Task LeaveAsync(ChatSession session, string reason)
    {
        if (!session.Registered && session.Identity is null)
        {
            // Never greeted: a health probe or a port scan, not a chat user.
            ServerLog.ConnectionClosedUngreeted(logger, session.RemoteEndPoint, reason);
            return;
        }

        // A connection displaced by a login or a resume is in no room any more: nothing to tell.
        var departed = await reader.ChangeAsync(new Depart(
            session, session.QuitMessage ?? reason, Disconnected: true, Shutdown: reason == ChatSession.ShutdownReason));
        var parked = false;
        if (session.Identity is { } identity)
        {
            // A client that asked to leave is gone for good; one that dropped may come back for its lines.
            var owned = false;
            lock (identity.Gate)
            {
                if (ReferenceEquals(identity.Owner, session) && departed.Left is [var room, ..])
                {
                    owned = true;
                    if (reason != "quit")
                    {
                        resumes.Park(identity, session.Nick, room);
                        parked = true;
                    }
                }
            }

            if (owned && !parked)
            {
                resumes.Forget(identity);
            }

            // Reserved before the name is let go here, so nobody takes it in between.
            if (parked)
            {
                log.Save(identity.Record(session.Nick, identity.ParkedRoom, clock.GetUtcNow()));
                users.Reserve(session.Nick, identity);
            }
        }

        watch.Unwatch(session);

        // A parked identity keeps its name across the cluster (its lease is renewed while it may resume); an account's
        // name is nobody else's, so an account's device keeps none, and may resume on any server.
        users.Unregister(session, keepClaim: parked && session.Account is null);
        watch.Offline(session.Nick);
        if (reason == ChatSession.SlowConsumerReason)
        {
            metrics.DroppedSlow();
            ServerLog.SlowClientDropped(logger, session.Nick, reason);
        }

        ServerLog.ClientDisconnected(logger, session.Nick, reason);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) disconnected: {reason}");
    }

    // The log reader puts the session in its room (the room told of the newcomer before the newcomer hears back, so
    // nothing it does can overtake the notice); then it is welcomed and shown the room's newest messages up to
    // where it entered, then what the room said since.
    private async Task GreetAsync(ChatSession session, Arrive arrive, string? token) =>
        await WelcomeAsync(session, await history.EnterAsync(session, arrive), token);

    // What a logged-in connection is shown of the past: what came after MissedAfter (a device that comes back), else
    // the room's newest lines; and its private lines since PrivateSince, read from the store as it arrived.
    private sealed record Past(long? MissedAfter, long PrivateSince);

    private async Task WelcomeAsync(ChatSession session, RoomChanged entered, string? token, Past? past = null)
    {
        // Registered as its welcome is queued (before it, so the login deadline never closes a connection that has
        // been welcomed; the idle sweep waits for it).
        session.Registered = true;
        if (entered.Refusal is { } banned && entered.Closes)
        {
            // Banned from the server: told why, and closed.
            RoomHistory.Skip(session);
            session.Send(new ErrorEvent(banned.Code, banned.Message));
            session.StopReading("banned from this server");
            return;
        }

        session.Send(new WelcomeEvent(session.Nick, entered.Joined ?? string.Empty, token, Rate: session.Rate));
        if (log.Health.Problem is not null)
        {
            session.Send(StoreNotices.Delayed);
        }

        if (entered.Refusal is { } refused)
        {
            // Its room would not have it (banned, invite-only): it is in none, and may /join another.
            session.Send(new ErrorEvent(refused.Code, $"{refused.Message}; you are in no room: /join ROOM"));
        }

        if (entered.Entered.Count > 0 && session.Protocol.RegistersItself)
        {
            // Another device of an account (IRC): in every channel the account is in, told each as its own JOIN.
            foreach (var channel in entered.Entered)
            {
                session.Send(new PresenceEvent(clock.GetUtcNow(), channel, session.Nick, PresenceAction.Join) { Device = true });
                if (moderation.Rules(channel) is { Topic: { } channelTopic } channelRules)
                {
                    session.Send(new TopicEvent(channel, channelTopic, channelRules.TopicBy, channelRules.TopicAt));
                }
            }

            await ShowPastAsync(session, entered.Entered, entered.Position, past);
        }
        else if (entered.Joined is not { } room)
        {
            await ShowPastAsync(session, [], entered.Position, past);
        }
        else
        {
            if (moderation.Rules(room) is { Topic: { } topic } rules)
            {
                session.Send(new TopicEvent(room, topic, rules.TopicBy, rules.TopicAt));
            }

            await ShowPastAsync(session, [room], entered.Position, past);
            if (session.Identity is { } identity)
            {
                log.Save(identity.Record(session.Nick, room, clock.GetUtcNow()));
            }
        }

        foreach (var marked in entered.Entered.Count > 0 ? entered.Entered : entered.Joined is { } joined ? [joined] : [])
        {
            places.TellMarker(session, marked);
        }

        ServerLog.ClientConnected(logger, session.Nick, session.RemoteEndPoint);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) connected");
        if (users.SessionsOf(session.Nick) is [_])
        {
            watch.Online(session.Nick);
        }
    }

    private async Task ShowPastAsync(ChatSession session, IReadOnlyList<string> rooms, long position, Past? past)
    {
        if (past?.MissedAfter is { } after)
        {
            await history.ShowMissedAsync(session, rooms, after, position, token: null);
        }
        else if (past is not null)
        {
            await history.ShowRecentAsync(session, rooms is [var one] ? one : null, position, past.PrivateSince);
        }
        else if (rooms is [var room])
        {
            await history.ShowRecentAsync(session, room, position);
        }
        else
        {
            RoomHistory.Skip(session);
        }
    }

    private enum Resumption
    {
        Resumed,
        Failed,
        TurnedAway,
    }

    private async Task<Resumption> TryResumeAsync(ChatSession session, string token, long lastId)
    {
        if (await resumes.FindAsync(token) is not { } identity)
        {
            return Resumption.Failed;
        }

        // The identity's nickname is its account in password mode; a removed account cannot come back this way.
        var named = identity.Owner?.Nick ?? identity.ParkedNick;
        if (accounts.Required && !accounts.Exists(named))
        {
            resumes.Forget(identity);
            return Resumption.Failed;
        }

        // Through the door like any login: a server ban keeps a token out as it keeps out its account or address.
        var answer = await door.ResumeAsync(session, identity, named);
        if (answer.Refusal is not null)
        {
            TurnAway(session, answer);
            return Resumption.TurnedAway;
        }

        if (!answer.Admitted)
        {
            return Resumption.Failed;
        }

        // Let go at the latest here (Seat and Abandon do earlier): a claim under way never outlives the resume.
        using var seating = answer.Seating;
        string nick = named;
        string roomName = string.Empty;
        ChatSession? previous;
        var expired = false;
        lock (identity.Gate)
        {
            // The old connection is not known to be dead yet (a half-open TCP connection): this one replaces it.
            previous = identity.Owner;
            if (previous is not null)
            {
                nick = previous.Nick;
                roomName = previous.Room;
            }
            else if (identity.IsParked(clock.GetUtcNow()))
            {
                nick = identity.ParkedNick;
                roomName = identity.ParkedRoom;
            }
            else
            {
                expired = true;
            }

            if (!expired)
            {
                identity.Attach(session);
                session.Identity = identity;
                session.Account = accounts.Required ? nick : null;
                session.Device = identity.Device;
            }
        }

        if (expired)
        {
            // Expired as it was claimed: the claim goes (unless a connection here has the name).
            door.Abandon(named, identity, answer);
            return Resumption.Failed;
        }

        session.Arriving = true;
        if (door.Seat(session, nick, previous, answer) is { } displaced)
        {
            // One of the account's connections beyond its most: the oldest goes, as it would for a login.
            Displace(displaced, session, nick);
        }

        session.Send(new WelcomeEvent(nick, roomName, token, Resumed: true, Rate: session.Rate));

        // Handed to the reader before the old connection is cut, so its leaving finds it in no room: the room sees
        // the identity come back, not go and come back.
        var entering = history.EnterAsync(session, new Arrive(session, roomName, previous, Quietly: true));
        previous?.Abort("replaced by a resumed connection");
        var entered = await entering;
        session.Registered = true;
        if (entered.Refusal is { } banned && entered.Closes)
        {
            // A ban stored after the door's check, found in the log's order.
            RoomHistory.Skip(session);
            session.Send(new ErrorEvent(banned.Code, banned.Message));
            session.StopReading("banned from this server");
            return Resumption.TurnedAway;
        }

        // Its position was in a log Redis has since lost: what it missed there is gone, and it is told so.
        if (lastId > 0 && lastId < log.Store.LostUpTo)
        {
            session.Send(StoreNotices.Lost);
        }

        await history.ShowMissedAsync(session, [entered.Joined ?? roomName], Math.Max(lastId, identity.JoinedAtId), entered.Position, token);
        if (previous is null)
        {
            watch.Online(nick);
        }

        ServerLog.ClientResumed(logger, nick, session.RemoteEndPoint, lastId);
        display.Show($"* {nick} ({session.RemoteEndPoint}) reconnected");
        return Resumption.Resumed;
    }

    // A claim that fails (in a cluster, Redis away) lets the live events it held go.
    private static async Task<T> ReleasingOnFailure<T>(ChatSession session, Task<T> claim)
    {
        try
        {
            return await claim;
        }
        catch
        {
            session.Outbound.Release();
            throw;
        }
    }
}
