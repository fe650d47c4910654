using System.Buffers;
using Microsoft.Extensions.Logging;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Operator;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Sessions;

// What each line a client sends does: decode, parse, act, reply. Never waits on another client.
internal sealed class SessionCommands(
    RoomDirectory rooms,
    Users users,
    LogReader reader,
    INameRegistry cluster,
    SessionLifecycle lifecycle,
    SessionLogin login,
    SessionMessages messages,
    SessionModeration moderating,
    Moderation moderation,
    MessageLog log,
    RoomHistory history,
    AccountPlaces places,
    NickWatch watch,
    ServerMetrics metrics,
    Microsoft.Extensions.Options.IOptions<Configuration.ChatOptions> limitsOptions,
    OperatorDisplay display,
    TimeProvider clock,
    ILogger<SessionCommands> logger)
{
    private static readonly string[] HelpLines =
    [
        "commands:",
        "  TEXT             say TEXT to your room (//TEXT sends a line starting with /)",
        "  /login NAME PASS log in (on servers with accounts); NAME@DEVICE names this device, shown what it missed",
        "  /read [ID]       mark your room read (to ID, else its newest) on all your devices; /read ? says where",
        "  /nick NAME       change your nickname",
        "  /join ROOM [KEY] move to ROOM, creating it if it is new (the first in a new room owns it)",
        "  /who [PAGE]      list who is in your room (100 a page)",
        "  /history [N]     show the room's last N messages (default 20); /history before|after ID [N] pages",
        "  /search WORDS    find messages with every word, in your room and your private lines",
        "  /me ACTION       say what you do (* alice waves)",
        "  /msg NICK TEXT   send TEXT to NICK alone",
        "  /help            show this help",
        "room operators (~ owner, @ operator, + voice in /who; #ROOM first acts on another room):",
        "  /topic [TEXT]    show or set the topic (/topic - clears it)",
        "  /kick NICK [WHY] remove NICK from the room",
        "  /ban MASK [TIME] ban MASK (a nick, NICK!USER@HOST, an address or network, $a:ACCOUNT) for TIME (30m, 2h, 7d)",
        "  /unban MASK      lift a ban; /bans lists bans and mutes",
        "  /mute MASK [TIME] let MASK read but not speak; /unmute MASK",
        "  /op NICK, /deop NICK, /voice NICK, /devoice NICK   give or take a role",
        "  /mode [+|-FLAGS] show or change modes: i invite-only, m moderated, n, s secret, t topic by ops, k KEY, l COUNT",
        "  /invite NICK     let NICK into an invite-only room",
        "server operators: /oper NAME PASS, /kill NICK [WHY], /ban --server MASK [TIME], /mute --server MASK [TIME]",
        "  /ping            check the server answers (* pong)",
        "  /quit            leave",
        $"names: {ChatNames.Rule}",
    ];

    private static async ValueTask<bool> Continue(Task done)
    {
        await done;
        return true;
    }

    private ValueTask<bool> Dispatch(ChatSession session, ClientCommand? command)
    {
        switch (command)
        {
            case null:
                return ValueTask.FromResult(true);
            case LoginCommand request:
                return new ValueTask<bool>(LogInAsync(session, request));
            // /oper before /login: a server operator passes the server's bans (so one matching everyone locks no
            // operator out).
            case not (HelpCommand or QuitCommand or InvalidCommand or JsonModeCommand or OperCommand) when login.Required && session.Account is null:
                Reject(session, new InvalidCommand(ErrorCodes.LoginRequired, "log in first: /login NAME PASSWORD", command.Cid));
                return ValueTask.FromResult(true);
            case not (SayCommand or ChannelSayCommand or PrivateMessageCommand) when !IsDelivered(session):
                // Whatever else the client asks happens after its messages before it are delivered (a rename, a
                // move, leaving), so nobody sees them out of order.
                return new ValueTask<bool>(ExecuteAfterDeliveredAsync(session, command));
            default:
                return ExecuteAsync(session, command);
        }
    }

    // Acts on a client's command, as its wire protocol parsed it; false when it asked to leave. A message completes at
    // once; what needs an answer from elsewhere (a login, in a cluster a name or a member list from Redis, history
    // from the store) is awaited by the caller before it reads the next line, so nothing a client pipelines after it
    // overtakes it.
    public ValueTask<bool> DispatchAsync(ChatSession session, ClientCommand? command) => Dispatch(session, command);

    // What the health probe's pong says is wrong with the store; null when well. Only this machine, a server operator
    // or everyone if Chat:HealthDetail says so is told addresses and errors; others, in a few words.
    public string? ProblemFor(ChatSession session) => log.ProblemFor(session.ServerOperator || limitsOptions.Value.ShowsHealthDetailTo(session.Address));

    // Who is in room, across the cluster, sorted.
    public async Task<string[]> MembersAsync(string room) => await cluster.MembersAsync(room) ?? rooms.FindRoom(room)?.Nicks() ?? [];

    // A large room is listed a page at a time: a line of 10,000 names helps nobody.
    private async Task<WhoEvent> WhoAsync(string room, WhoCommand request)
    {
        var nicks = await MembersAsync(room);
        var rules = moderation.Rules(room);
        WhoEvent who;
        if (nicks.Length <= WhoEvent.PageSize)
        {
            who = new WhoEvent(room, nicks, request.Cid);
        }
        else
        {
            var page = Math.Min(request.Page, (nicks.Length + WhoEvent.PageSize - 1) / WhoEvent.PageSize);
            who = new WhoEvent(room, nicks.Skip((page - 1) * WhoEvent.PageSize).Take(WhoEvent.PageSize).ToArray(), request.Cid, nicks.Length, page);
        }

        var roles = who.Nicks.Select(nick => (nick, role: RoomRules.RoleName(rules.RoleOf(nick)))).Where(pair => pair.role is not null).ToDictionary(pair => pair.nick, pair => pair.role!);
        return who with { Roles = roles.Count == 0 ? null : roles, Topic = rules.Topic };
    }

    // Completes once every message the session has sent is stored, delivered and acknowledged (or will never be):
    // whatever it asks next is answered after those acknowledgements, as it was sent after those messages.
    public async Task WhenDeliveredAsync(ChatSession session)
    {
        if (session.LastAppend is not { } last)
        {
            return;
        }

        try
        {
            await log.WhenDeliveredAsync((await last).Message.Id);
        }
        catch (OperationCanceledException)
        {
            // Never stored: the server is stopping with its store failing.
        }

        if (session.Acknowledgements is { } acknowledgements)
        {
            await acknowledgements.Drained;
        }
    }

    // Messages appended and not yet delivered, everyone's.
    public long Pending => log.Pending;

    private bool IsDelivered(ChatSession session) =>
        (session.LastAppend is not { } last || (last.IsCompleted && (!last.IsCompletedSuccessfully || log.LastDelivered >= last.Result.Message.Id)))
        && session.Acknowledgements?.Drained.IsCompleted != false;

    private async Task<bool> ExecuteAfterDeliveredAsync(ChatSession session, ClientCommand command)
    {
        await WhenDeliveredAsync(session).WaitAsync(session.ReadingStopped);
        return await ExecuteAsync(session, command);
    }

    // Closes a connection that has not logged in (password mode) or, on the IRC port, not registered within the
    // login timeout: a PING now and then must not keep a connection that never became a user.
    public void LoginTimedOut(ChatSession session, TimeSpan timeout)
    {
        if (session.Protocol.RegistersItself ? !session.Registered : session.Account is null)
        {
            var what = session.Protocol.RegistersItself ? "registered" : "logged in";
            Reject(session, new InvalidCommand(ErrorCodes.LoginTimeout, $"not {what} within {timeout.TotalSeconds:0} s; closing"));
            session.StopReading("login timeout");
        }
    }

    private async Task<bool> LogInAsync(ChatSession session, LoginCommand request)
    {
        try
        {
            if (await login.LogInAsync(session, request) is { } failure)
            {
                Reject(session, failure);
            }
        }
        catch (OperationCanceledException)
        {
            // The connection is closing.
        }

        return true;
    }

    public Task DisconnectAsync(ChatSession session, string reason) => lifecycle.DisconnectAsync(session, reason);

    // After the connection's last write: a device's place (AccountPlaces) is kept.
    public Task KeepPlaceAsync(ChatSession session) => places.LeftAsync(session);

    // Tells a client it sent too fast for too long; the caller closes the connection.
    public void DisconnectForFlooding(ChatSession session)
    {
        var limits = limitsOptions.Value.Limits;
        Reject(session, new InvalidCommand(
            ErrorCodes.Flooding,
            $"disconnected for flooding (more than {limits.MessagesPerSecond} lines a second for {limits.FloodTimeoutSeconds} s)"));
    }

    // Synchronous for a line of chat (the hot path); awaited for what asks the store or the cluster.
    private ValueTask<bool> ExecuteAsync(ChatSession session, ClientCommand command)
    {
        switch (command)
        {
            case SayCommand say when session.Room.Length == 0:
                Reject(session, new InvalidCommand(ErrorCodes.NotInRoom, "you are in no room: /join ROOM first", say.Cid));
                break;
            case SayCommand say:
            {
                // The log's position first, then the rules: a restriction stored after it finds the line stale.
                var judgedAt = log.LastDelivered;
                RejectIfRefused(session, moderation.SpeakRefusal(session, session.Room) is { } refused ? refused with { Cid = say.Cid } : messages.Say(session, session.Room, say.Text, say.Cid, judgedAt));
                break;
            }

            case ChannelSayCommand say:
            {
                var judgedAt = log.LastDelivered;
                RejectIfRefused(session, moderation.SpeakRefusal(session, say.Room) ?? messages.Say(session, say.Room, say.Text, say.Cid, judgedAt));
                break;
            }

            case ModerateCommand moderate:
                return Continue(ModerateAsync(session, moderate));
            case OperCommand oper:
                return Continue(OperAsync(session, oper));
            case ChannelJoinCommand join:
                return Continue(JoinChannelAsync(session, join.Room, join.Key));
            case ChannelPartCommand part:
                return Continue(PartAsync(session, part.Room, part.Reason));
            case PrivateMessageCommand message:
                return SendPrivateAsync(session, message);
            case NickCommand nick:
                return Continue(ChangeNickAsync(session, nick));
            case JoinCommand join:
                return Continue(JoinAsync(session, join));
            case HistoryCommand request:
                return Continue(history.PageAsync(session, request));
            case SearchCommand request:
                return Continue(history.SearchAsync(session, request));
            case ReadCommand request:
                return Continue(places.ReadAsync(session, request));
            case WhoCommand who:
                return Continue(SendWhoAsync(session, who));
            case HelpCommand help:
                foreach (var line in HelpLines)
                {
                    session.Send(new InfoEvent(line, help.Cid));
                }

                break;
            case PingCommand ping:
                session.Send(new PongEvent(ping.Cid, ProblemFor(session)));
                break;
            case QuitCommand quit:
                // Nothing the room says after the goodbye is sent: the client asked to go.
                session.Outbound.Hold();
                session.Send(new InfoEvent("bye", quit.Cid));
                return ValueTask.FromResult(false);
            case JsonModeCommand:
                Reject(session, new InvalidCommand(ErrorCodes.ModeSwitchTooLate, "/json is accepted only as the first line of a connection"));
                break;
            case InvalidCommand invalid:
                Reject(session, invalid);
                break;
        }

        return ValueTask.FromResult(true);
    }

    private async Task ModerateAsync(ChatSession session, ModerateCommand command) =>
        RejectIfRefused(session, await moderating.HandleAsync(Moderator.Of(session), command));

    private async Task OperAsync(ChatSession session, OperCommand command)
    {
        if (await login.OperAsync(session, command) is { } refused)
        {
            Reject(session, refused);
            return;
        }

        session.Send(new InfoEvent("you are now a server operator", command.Cid));
    }

    // Why a room's member limit (+l) keeps session out, counted across the cluster; null when it does not.
    public async Task<InvalidCommand?> FullAsync(ChatSession session, string room, string? cid)
    {
        var rules = moderation.Rules(room);
        if (rules.Limit is not { } limit || session.ServerOperator || rules.Invited.Contains(session.Nick) || rules.IsOperator(session.Nick))
        {
            return null;
        }

        return (await MembersAsync(room)).Length >= limit ? new InvalidCommand(ErrorCodes.RoomFull, $"{rules.Name} is full ({limit} members)", cid) : null;
    }

    private async ValueTask<bool> SendPrivateAsync(ChatSession session, PrivateMessageCommand message)
    {
        RejectIfRefused(session, await messages.SendPrivateAsync(session, message));
        return true;
    }

    private async Task SendWhoAsync(ChatSession session, WhoCommand who) => session.Send(await WhoAsync(session.Room, who));

    private async Task ChangeNickAsync(ChatSession session, NickCommand command)
    {
        if (login.Required)
        {
            Reject(session, new InvalidCommand(ErrorCodes.NickFixed, "on this server your nickname is your account name", command.Cid));
            return;
        }

        var nick = command.Nick;
        if (!ChatNames.IsValid(nick) || string.Equals(nick, ChatNames.Server, StringComparison.OrdinalIgnoreCase))
        {
            Reject(session, new InvalidCommand(ErrorCodes.InvalidName, $"invalid nickname; use {ChatNames.Rule} (not \"{ChatNames.Server}\")", command.Cid));
            return;
        }

        var old = session.Nick;
        if (string.Equals(old, nick, StringComparison.Ordinal))
        {
            session.Send(new InfoEvent($"you are already {nick}", command.Cid));
            return;
        }

        if (moderation.RenameRefusal(session, nick) is { } banned)
        {
            Reject(session, banned with { Cid = command.Cid });
            return;
        }

        if (!await users.TryRenameAsync(session, nick))
        {
            Reject(session, new InvalidCommand(ErrorCodes.NickTaken, $"nickname {nick} is already taken", command.Cid));
            return;
        }

        // Its rooms hear it (and, in a cluster, Redis's member sets have the new name) before it hears back, so
        // nothing it or anyone does after seeing the rename can find the old name. It hears its own rename once,
        // whatever rooms it is in (an IRC connection may be in none or several).
        await reader.ChangeAsync(new Rename(session, old));
        session.Send(new PresenceEvent(clock.GetUtcNow(), session.Room, nick, PresenceAction.Rename, old));
        if (session.Identity is { } identity)
        {
            log.Save(identity.Record(nick, session.Room, clock.GetUtcNow()));
        }

        watch.Offline(old);
        watch.Online(nick);
        ServerLog.NickChanged(logger, old, nick);
        display.Show($"* {old} ({session.RemoteEndPoint}) is now known as {nick}");
    }

    private async Task JoinAsync(ChatSession session, JoinCommand command)
    {
        if (!ChatNames.IsValid(command.Room))
        {
            Reject(session, new InvalidCommand(ErrorCodes.InvalidName, $"invalid room name; use {ChatNames.Rule}", command.Cid));
            return;
        }

        if (string.Equals(session.Room, command.Room, StringComparison.OrdinalIgnoreCase))
        {
            session.Send(new InfoEvent($"you are already in {session.Room}", command.Cid));
            return;
        }

        if (await FullAsync(session, command.Room, command.Cid) is { } full)
        {
            Reject(session, full);
            return;
        }

        // The move and its notices (the mover hears its own first), then the new room's topic and history, then what
        // the room said meanwhile.
        var moved = await history.EnterAsync(session, new Move(session, command.Room, command.Key));
        if (moved.Refusal is { } refused)
        {
            RoomHistory.Skip(session);
            Reject(session, refused with { Cid = command.Cid });
            return;
        }

        var joined = moved.Joined!;
        session.Send(new PresenceEvent(clock.GetUtcNow(), joined, session.Nick, PresenceAction.Join));
        if (moderation.Rules(joined) is { Topic: { } topic } rules)
        {
            session.Send(new TopicEvent(joined, topic, rules.TopicBy, rules.TopicAt));
        }

        await history.ShowRecentAsync(session, joined, moved.Position);
        places.TellMarker(session, joined);
        if (session.Identity is { } identity)
        {
            log.Save(identity.Record(session.Nick, joined, clock.GetUtcNow()));
        }

        ServerLog.RoomChanged(logger, session.Nick, moved.Left is [var left, ..] ? left : string.Empty, joined);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) moved to {joined}");

        // Its room saved first: a crash while the claim is stored must not send a resumed client back.
        if (moved.Claimable)
        {
            await moderating.ClaimAsync(session, joined);
        }
    }

    // IRC: one more room, with its notices and history as in a move, the room left as it was.
    private async Task JoinChannelAsync(ChatSession session, string roomName, string? key)
    {
        if (!session.IsIn(roomName) && await FullAsync(session, roomName, cid: null) is { } full)
        {
            Reject(session, full);
            return;
        }

        var entered = await history.EnterAsync(session, new JoinRoom(session, roomName, key));
        if (entered.Joined is not { } joined)
        {
            RoomHistory.Skip(session);
            if (entered.Refusal is { } refused)
            {
                Reject(session, refused);
            }

            return;
        }

        session.Send(new PresenceEvent(clock.GetUtcNow(), joined, session.Nick, PresenceAction.Join));
        await history.ShowRecentAsync(session, joined, entered.Position);
        if (entered.Claimable)
        {
            await moderating.ClaimAsync(session, joined);
        }
        ServerLog.RoomChanged(logger, session.Nick, string.Empty, joined);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) joined {joined}");
    }

    // IRC: out of one of its rooms, the others kept. It is told by the caller (it is no longer a member).
    private async Task PartAsync(ChatSession session, string roomName, string? reason)
    {
        if ((await reader.ChangeAsync(new PartRoom(session, roomName, reason))).Left is not [var left])
        {
            return;
        }

        ServerLog.RoomChanged(logger, session.Nick, left, string.Empty);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) left {left}");
    }

    private void RejectIfRefused(ChatSession session, InvalidCommand? refusal)
    {
        if (refusal is not null)
        {
            Reject(session, refusal);
        }
    }

    // Tells the client what it sent was refused, counts and logs it; the connection stays up.
    public void Reject(ChatSession session, InvalidCommand invalid)
    {
        session.Send(new ErrorEvent(invalid.Code, invalid.Message, invalid.Cid));
        metrics.Rejected(invalid.Code);
        ServerLog.LineRejected(logger, session.Nick, invalid.Code, invalid.Message);
    }
}
