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

namespace SocketChat.Server.Sessions;

/// <summary>What each line a client sends does: decode, parse, act, reply. Never waits on another client.</summary>
internal sealed class SessionCommands(
    RoomDirectory directory,
    IRoomFanout fanout,
    SessionLifecycle lifecycle,
    SessionLogin login,
    MessageIds ids,
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
        "  /login NAME PASS log in (on servers with accounts)",
        "  /nick NAME       change your nickname",
        "  /join ROOM       move to ROOM, creating it if it is new",
        "  /who             list who is in your room",
        "  /msg NICK TEXT   send TEXT to NICK alone",
        "  /help            show this help",
        "  /ping            check the server answers (* pong)",
        "  /quit            leave",
        $"names: {ChatNames.Rule}",
    ];

    /// <summary>Reports a line that exceeded the limit; the connection stays up.</summary>
    public void RejectTooLong(ChatSession session, int maxLineBytes)
    {
        session.LinesReceived++;
        EnsureGreeted(session);
        Reject(session, new InvalidCommand(ErrorCodes.LineTooLong, $"line too long (max {maxLineBytes} bytes); it was dropped"));
    }

    /// <summary>
    /// Acts on one framed line; false when the client asked to leave. Completes at once except for a login, which
    /// the caller awaits before reading the next line, so nothing a client pipelines after it overtakes it.
    /// </summary>
    public ValueTask<bool> HandleLine(ChatSession session, in ReadOnlySequence<byte> line)
    {
        session.LinesReceived++;
        if (!Utf8Line.TryDecode(line, out var decoded))
        {
            Reject(session, new InvalidCommand(ErrorCodes.InvalidUtf8, "line is not valid UTF-8; it was dropped"));
            return ValueTask.FromResult(true);
        }

        var command = session.Mode == WireMode.Json
            ? JsonCommandParser.Parse(decoded)
            : TextCommandParser.Parse(TextSanitizer.RemoveControlCharacters(decoded));
        if (command is JsonModeCommand mode && session.LinesReceived == 1)
        {
            lifecycle.StartJson(session, mode);
            return ValueTask.FromResult(true);
        }

        if (command is PingCommand ping && !session.Registered)
        {
            // A health probe: answer without greeting, so it never appears in a room.
            session.Send(new PongEvent(ping.Cid));
            return ValueTask.FromResult(true);
        }

        EnsureGreeted(session);
        switch (command)
        {
            case null:
                return ValueTask.FromResult(true);
            case LoginCommand request:
                return new ValueTask<bool>(LogInAsync(session, request));
            case not (HelpCommand or QuitCommand or InvalidCommand or JsonModeCommand) when login.Required && session.Account is null:
                Reject(session, new InvalidCommand(ErrorCodes.LoginRequired, "log in first: /login NAME PASSWORD", command.Cid));
                return ValueTask.FromResult(true);
            default:
                return ValueTask.FromResult(Execute(session, command));
        }
    }

    /// <summary>Greets a connection that has not said how it speaks; called when it sends nothing for a moment.</summary>
    public void EnsureGreeted(ChatSession session)
    {
        if (!session.Registered && !session.AwaitingLogin)
        {
            lifecycle.GreetAsText(session);
        }
    }

    /// <summary>Password mode: closes a connection that has not logged in within the login timeout.</summary>
    public void LoginTimedOut(ChatSession session, TimeSpan timeout)
    {
        if (session.Account is null)
        {
            Reject(session, new InvalidCommand(ErrorCodes.LoginTimeout, $"not logged in within {timeout.TotalSeconds:0} s; closing"));
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

    public void Disconnect(ChatSession session, string reason) => lifecycle.Disconnect(session, reason);

    /// <summary>Tells a client it sent too fast for too long; the caller closes the connection.</summary>
    public void DisconnectForFlooding(ChatSession session)
    {
        var limits = limitsOptions.Value.Limits;
        Reject(session, new InvalidCommand(
            ErrorCodes.Flooding,
            $"disconnected for flooding (more than {limits.MessagesPerSecond} lines a second for {limits.FloodTimeoutSeconds} s)"));
    }

    private bool Execute(ChatSession session, ClientCommand command)
    {
        switch (command)
        {
            case SayCommand say:
                Say(session, say);
                break;
            case PrivateMessageCommand message:
                SendPrivate(session, message);
                break;
            case NickCommand nick:
                ChangeNick(session, nick);
                break;
            case JoinCommand join:
                Join(session, join);
                break;
            case WhoCommand who:
                session.Send(new WhoEvent(session.Room, directory.FindRoom(session.Room)?.Nicks() ?? [], who.Cid));
                break;
            case HelpCommand help:
                foreach (var line in HelpLines)
                {
                    session.Send(new InfoEvent(line, help.Cid));
                }

                break;
            case PingCommand ping:
                session.Send(new PongEvent(ping.Cid));
                break;
            case QuitCommand quit:
                session.Send(new InfoEvent("bye", quit.Cid));
                return false;
            case JsonModeCommand:
                Reject(session, new InvalidCommand(ErrorCodes.ModeSwitchTooLate, "/json is accepted only as the first line of a connection"));
                break;
            case InvalidCommand invalid:
                Reject(session, invalid);
                break;
        }

        return true;
    }

    private void Say(ChatSession session, SayCommand say)
    {
        var text = TextSanitizer.RemoveControlCharacters(say.Text);
        if (string.IsNullOrWhiteSpace(text))
        {
            Reject(session, new InvalidCommand(ErrorCodes.BadArguments, "message text is empty", say.Cid));
            return;
        }

        AcceptOnce(session, say.Cid, () =>
        {
            var message = fanout.Publish(session, text);
            metrics.MessageReceived();
            ServerLog.MessageReceived(logger, message.Id, message.Room, message.From, message.Text);
            display.Show($"{message.From} ({session.RemoteEndPoint}) [{message.Room}]: {message.Text}");
            return (message.Id, message.Timestamp);
        });
    }

    // A client id seen before (a line resent after a reconnect) is acknowledged again with its first id, not delivered twice.
    private void AcceptOnce(ChatSession session, string? cid, Func<(long Id, DateTimeOffset Timestamp)?> deliver)
    {
        if (session.Identity is not { } identity || cid is null)
        {
            if (deliver() is { } delivered)
            {
                Acknowledge(session, cid, delivered.Id, delivered.Timestamp);
            }

            return;
        }

        lock (identity.Gate)
        {
            // A connection replaced by a resumed one may still be finishing a line; the new owner resends it.
            if (!ReferenceEquals(identity.Owner, session))
            {
                return;
            }

            if (identity.TryGetAccepted(cid, out var id, out var timestamp))
            {
                ServerLog.DuplicateAcknowledged(logger, session.Nick, id, cid);
                Acknowledge(session, cid, id, timestamp);
                return;
            }

            if (deliver() is { } delivered)
            {
                identity.Accept(cid, delivered.Id, delivered.Timestamp);
                Acknowledge(session, cid, delivered.Id, delivered.Timestamp);
            }
        }
    }

    private void SendPrivate(ChatSession session, PrivateMessageCommand command)
    {
        var text = TextSanitizer.RemoveControlCharacters(command.Text);
        if (string.IsNullOrWhiteSpace(text))
        {
            Reject(session, new InvalidCommand(ErrorCodes.BadArguments, "message text is empty", command.Cid));
            return;
        }

        AcceptOnce(session, command.Cid, () =>
        {
            if (fanout.SendPrivate(session, command.To, text) is not { } message)
            {
                Reject(session, new InvalidCommand(ErrorCodes.NoSuchNick, $"no such nick: {TextSanitizer.RemoveControlCharacters(command.To)}", command.Cid));
                return null;
            }

            metrics.MessageReceived();
            ServerLog.PrivateMessage(logger, message.Id, message.From, message.To, message.Text);
            display.Show($"{message.From} ({session.RemoteEndPoint}) -> {message.To}: {message.Text}");
            return (message.Id, message.Timestamp);
        });
    }

    private void ChangeNick(ChatSession session, NickCommand command)
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

        if (!directory.TryRename(session, nick))
        {
            Reject(session, new InvalidCommand(ErrorCodes.NickTaken, $"nickname {nick} is already taken", command.Cid));
            return;
        }

        fanout.Notify(session.Room, new PresenceEvent(clock.GetUtcNow(), session.Room, nick, PresenceAction.Rename, old));
        ServerLog.NickChanged(logger, old, nick);
        display.Show($"* {old} ({session.RemoteEndPoint}) is now known as {nick}");
    }

    private void Join(ChatSession session, JoinCommand command)
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

        var (left, joined) = directory.Move(session, command.Room);
        if (session.Identity is { } identity)
        {
            identity.JoinedAtId = ids.Current;
        }

        var now = clock.GetUtcNow();
        if (left is not null)
        {
            fanout.Notify(left.Name, new PresenceEvent(now, left.Name, session.Nick, PresenceAction.Leave));
        }

        fanout.Notify(joined.Name, new PresenceEvent(now, joined.Name, session.Nick, PresenceAction.Join));
        ServerLog.RoomChanged(logger, session.Nick, left?.Name ?? string.Empty, joined.Name);
        display.Show($"* {session.Nick} ({session.RemoteEndPoint}) moved to {joined.Name}");
    }

    private static void Acknowledge(ChatSession session, string? cid, long id, DateTimeOffset timestamp)
    {
        if (session.Mode == WireMode.Json)
        {
            session.Send(new AckEvent(cid, id, timestamp));
        }
    }

    private void Reject(ChatSession session, InvalidCommand invalid)
    {
        session.Send(new ErrorEvent(invalid.Code, invalid.Message, invalid.Cid));
        metrics.Rejected(invalid.Code);
        ServerLog.LineRejected(logger, session.Nick, invalid.Code, invalid.Message);
    }
}
