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

namespace SocketChat.Server.Sessions;

/// <summary>How a connection gets its identity (greeted as a guest, or resuming a dropped one) and how it lets go of it.</summary>
internal sealed class SessionLifecycle(
    RoomDirectory directory,
    Presence presence,
    INameRegistry names,
    Microsoft.Extensions.Options.IOptions<Configuration.ChatOptions> options,
    AccountStore accounts,
    RoomHistory history,
    MessageLog log,
    ResumeRegistry resumes,
    ServerMetrics metrics,
    OperatorDisplay display,
    TimeProvider clock,
    ILogger<SessionLifecycle> logger)
{
    /// <summary>Greets a connection whose first line was not <c>/json</c> (or that sent nothing yet) as a text-mode guest.</summary>
    public async Task GreetAsTextAsync(ChatSession session)
    {
        if (accounts.Required)
        {
            AskToLogIn(session);
            return;
        }

        await GreetAsGuestAsync(session, token: null);
    }

    // A guest's name is claimed across the cluster first (a round trip, before any lock); one server picks its own.
    private async Task GreetAsGuestAsync(ChatSession session, string? token)
    {
        var guest = await names.ClaimGuestAsync(session.NameOwner(options.Value.Run));
        await GreetAsync(session, () => guest is null ? directory.Register(session) : directory.Register(session, guest, options.Value.DefaultRoom), token);
    }

    /// <summary>
    /// Registers an IRC connection under the nickname it chose, in no channel yet; false when the name is taken
    /// (here, reserved for a dropped client, or on another server of the cluster).
    /// </summary>
    public async Task<bool> GreetAsNamedAsync(ChatSession session, string nick)
    {
        // A client that reconnects at once may find its name still held by its own connection that just closed,
        // being let go: it waits for that (briefly) rather than be told the name is taken.
        if (directory.FindByNick(nick) is { Leaving: true } leaving)
        {
            await leaving.WhenGoneAsync().WaitAsync(LeavingWait).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        var owner = session.NameOwner(options.Value.Run);
        if (!await names.TryClaimAsync(nick, owner))
        {
            return false;
        }

        try
        {
            await GreetAsync(session, () => directory.TryRegister(session, nick) ? null : throw new NameTakenException(), token: null);
            return true;
        }
        catch (NameTakenException)
        {
            names.Release(nick, owner);
            return false;
        }
    }

    private static readonly TimeSpan LeavingWait = TimeSpan.FromSeconds(2);

    private sealed class NameTakenException : Exception;

    /// <summary>Handles the first line <c>/json</c>: resumes the identity it names, or greets a new JSON-mode guest.</summary>
    public async Task StartJsonAsync(ChatSession session, JsonModeCommand command)
    {
        if (session.Registered && directory.Unregister(session) is { } guestRooms)
        {
            // Its /json came after the greeting delay: the text guest it was given leaves again.
            session.Registered = false;
            names.Release(session.Nick, session.NameOwner(options.Value.Run));
            foreach (var guestRoom in guestRooms)
            {
                names.Moved(session.Nick, guestRoom.Name, null);
                presence.Tell(PresenceAction.Leave, guestRoom.Name, session.Nick);
            }
        }

        session.Mode = WireMode.Json;
        ServerLog.JsonModeOn(logger, session.RemoteEndPoint);
        if (command.ResumeToken is { } token)
        {
            if (resumes.Enabled && await TryResumeAsync(session, token, command.LastId))
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

    /// <summary>
    /// Password mode: the connection proved it owns <paramref name="account"/>. One connection per account: an
    /// earlier one (or a dropped JSON client's parked identity) is closed and this one takes its place and room.
    /// </summary>
    public async Task LogInAsync(ChatSession session, string account)
    {
        session.AwaitingLogin = false;
        session.Account = account;
        if (session.Mode == WireMode.Json && resumes.Enabled)
        {
            session.Identity = resumes.Create(session);
        }

        // Across a cluster the account's name may be held by a connection on another server: this one is refused
        // rather than two connections sharing an account.
        var owner = session.NameOwner(options.Value.Run);
        if (!await names.TryClaimAsync(account, owner))
        {
            if (!directory.Holds(account))
            {
                session.Account = null;
                session.AwaitingLogin = true;
                session.Send(new ErrorEvent(ErrorCodes.Refused, $"{account} is logged in on another server of this cluster; log out there first"));
                session.StopReading("account in use on another server");
                return;
            }

            // Held here: this login takes it over below, so it takes the name over too.
            await names.ForceClaimAsync(account, owner);
        }

        ServerLog.LoggedIn(logger, account, session.RemoteEndPoint);
        await GreetAsync(session, () =>
        {
            var (room, displaced, released) = directory.Claim(session, account);
            if (released is not null)
            {
                resumes.Forget(released);
            }

            if (displaced is not null)
            {
                // The room hears the earlier connection leave before this one joins.
                Displace(displaced, session, account);
            }

            return room;
        }, session.Identity?.Token);
    }

    private void Displace(ChatSession displaced, ChatSession session, string account)
    {
        if (displaced.Identity is { } identity)
        {
            resumes.Forget(identity);
        }

        displaced.Send(new ErrorEvent(ErrorCodes.LoggedInElsewhere, $"you logged in again from {session.RemoteEndPoint}; this connection closes"));
        displaced.StopReading("logged in again elsewhere");
        foreach (var room in displaced.Rooms)
        {
            presence.Tell(PresenceAction.Leave, room, account, except: session);
        }

        ServerLog.LoginReplaced(logger, account, session.RemoteEndPoint, displaced.RemoteEndPoint);
    }

    /// <summary>Closes the connections of accounts removed from the accounts file, and forgets their parked identities.</summary>
    public void Evict(IEnumerable<string> removedAccounts)
    {
        foreach (var account in removedAccounts)
        {
            if (directory.Release(account) is { } parked)
            {
                resumes.Forget(parked);
            }

            if (directory.FindByNick(account) is { Account: not null } session)
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

    public void Disconnect(ChatSession session, string reason)
    {
        try
        {
            Leave(session, reason);
        }
        finally
        {
            session.Left();
        }
    }

    private void Leave(ChatSession session, string reason)
    {
        if (!session.Registered && session.Identity is null)
        {
            // Never greeted: a health probe or a port scan, not a chat user.
            ServerLog.ConnectionClosedUngreeted(logger, session.RemoteEndPoint, reason);
            return;
        }

        var identity = session.Identity;
        IReadOnlyList<Room>? rooms;
        if (identity is null)
        {
            rooms = directory.Unregister(session);
        }
        else
        {
            lock (identity.Gate)
            {
                rooms = directory.Unregister(session);
                if (ReferenceEquals(identity.Owner, session) && rooms is [var room, ..])
                {
                    // A client that asked to leave is gone for good; one that dropped may come back for its lines.
                    if (reason == "quit")
                    {
                        resumes.Forget(identity);
                    }
                    else
                    {
                        resumes.Park(identity, session.Nick, room.Name);
                        directory.Reserve(session.Nick, identity);
                        log.Save(identity.Record(session.Nick, room.Name, clock.GetUtcNow()));
                    }
                }
            }
        }

        if (rooms is not null)
        {
            // A parked identity keeps its name (its lease is renewed while it may resume); anyone else lets it go.
            if (identity is null || !identity.IsParked(clock.GetUtcNow()))
            {
                names.Release(session.Nick, session.NameOwner(options.Value.Run));
            }

            foreach (var room in rooms)
            {
                names.Moved(session.Nick, room.Name, null);

                // While the server shuts down everyone here is leaving, and the shutdown notice says so once; the
                // other servers' members are told each one left (the log takes these before it stops).
                if (reason != ChatSession.ShutdownReason)
                {
                    presence.Tell(PresenceAction.Leave, room.Name, session.Nick, reason: session.Irc?.QuitMessage ?? reason, disconnected: true);
                }
                else
                {
                    presence.TellOtherServers(PresenceAction.Leave, room.Name, session.Nick);
                }
            }
        }

        if (reason == ChatSession.SlowConsumerReason)
        {
            metrics.DroppedSlow();
            ServerLog.SlowClientDropped(logger, session.Nick, reason);
        }

        ServerLog.ClientDisconnected(logger, session.Nick, reason);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) disconnected: {reason}");
    }

    // Registers the session (register puts it in its room, or none for IRC), then tells the room, welcomes it and
    // shows it the room's newest messages, with no message delivered in between. The others hear of the newcomer
    // before the newcomer hears back, so nothing it does can overtake the notice.
    private async Task GreetAsync(ChatSession session, Func<Room?> register, string? token)
    {
        var (room, position) = history.Enter(session, () =>
        {
            var entered = register();
            session.Registered = true;
            if (entered is not null)
            {
                presence.Tell(PresenceAction.Join, entered.Name, session.Nick, except: session);
            }

            session.Send(new WelcomeEvent(session.Nick, entered?.Name ?? string.Empty, token, Rate: session.Rate));
            if (log.Health.Problem is not null)
            {
                session.Send(StoreNotices.Delayed);
            }

            return entered;
        });
        if (room is null)
        {
            RoomHistory.Skip(session);
        }
        else
        {
            await history.ShowRecentAsync(session, room.Name, position);
            names.Moved(session.Nick, null, room.Name);
            if (session.Identity is { } identity)
            {
                log.Save(identity.Record(session.Nick, room.Name, clock.GetUtcNow()));
            }
        }

        ServerLog.ClientConnected(logger, session.Nick, session.RemoteEndPoint);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) connected");
    }

    private async Task<bool> TryResumeAsync(ChatSession session, string token, long lastId)
    {
        if (await resumes.FindAsync(token) is not { } identity)
        {
            return false;
        }

        // The identity's nickname is its account in password mode; a removed account cannot come back this way.
        if (accounts.Required && !accounts.Exists(identity.Owner?.Nick ?? identity.ParkedNick))
        {
            resumes.Forget(identity);
            return false;
        }

        // Across a cluster the name is the identity's (owned by its token) unless its lease ran out and someone
        // else took it meanwhile: then there is nothing to resume.
        var parkedNick = identity.Owner?.Nick ?? identity.ParkedNick;
        if (!await names.TryClaimAsync(parkedNick, $"t:{token}"))
        {
            return false;
        }

        string nick;
        string roomName;
        Room room;
        long position;
        lock (identity.Gate)
        {
            if (identity.Owner is { } previous)
            {
                // The old connection is not known to be dead yet (a half-open TCP connection): this one replaces it.
                nick = previous.Nick;
                roomName = previous.Room;
                directory.Unregister(previous);
                previous.Abort("replaced by a resumed connection");
            }
            else if (identity.IsParked(clock.GetUtcNow()))
            {
                nick = identity.ParkedNick;
                roomName = identity.ParkedRoom;
            }
            else
            {
                return false;
            }

            identity.Attach(session);
            session.Identity = identity;
            session.Account = accounts.Required ? nick : null;
            session.Send(new WelcomeEvent(nick, roomName, token, Resumed: true, Rate: session.Rate));
            (room, position) = history.Enter(session, () => directory.Register(session, nick, roomName));
            session.Registered = true;
        }

        // Its position was in a log Redis has since lost: what it missed there is gone, and it is told so.
        if (lastId > 0 && lastId < log.Store.LostUpTo)
        {
            session.Send(StoreNotices.Lost);
        }

        // The store is read after the identity's lock is let go; what the room says meanwhile waits behind it.
        await history.ShowMissedAsync(session, room.Name, Math.Max(lastId, identity.JoinedAtId), position, nick);
        names.Moved(nick, null, room.Name);

        presence.Tell(PresenceAction.Join, room.Name, nick, except: session);
        ServerLog.ClientResumed(logger, nick, session.RemoteEndPoint, lastId);
        display.Show($"* {nick} ({session.RemoteEndPoint}) reconnected");
        return true;
    }
}
