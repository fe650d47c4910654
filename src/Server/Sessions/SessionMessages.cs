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

namespace SocketChat.Server.Sessions;

/// <summary>
/// Room and private messages from clients: each is stored first (<see cref="MessageLog"/>), then delivered,
/// logged and acknowledged; a resent client id is acknowledged again, never stored or delivered twice.
/// </summary>
internal sealed class SessionMessages(
    RoomDirectory directory,
    IRoomFanout fanout,
    MessageLog log,
    ServerMetrics metrics,
    OperatorDisplay display,
    ILogger<SessionMessages> logger)
{
    /// <summary>Accepts a room message; returns the refusal to send when there is one.</summary>
    public InvalidCommand? Say(ChatSession session, SayCommand say)
    {
        var text = TextSanitizer.RemoveControlCharacters(say.Text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty(say.Cid);
        }

        var room = session.Room;
        var nick = session.Nick;
        return AcceptOnce(
            session,
            say.Cid,
            AcceptedMessage.FingerprintOf(MessageKind.Room, null, text),
            (id, timestamp) => new StoredMessage(id, timestamp, MessageKind.Room, room, nick, null, text, session.Identity?.Token, say.Cid),
            message =>
            {
                fanout.DeliverRoomMessage(message, session);
                ServerLog.MessageReceived(logger, message.Id, room, nick, text);
                display.Show($"{nick} ({session.RemoteEndPoint}) [{room}]: {text}");
            });
    }

    // Stored first, then delivered and acknowledged. A client id seen before with the same content (a line resent
    // after a reconnect, even across a restart) is acknowledged again with its first id, not stored or delivered
    // twice; seen before with other content, it is refused: acknowledging it would lose the new line.
    private InvalidCommand? AcceptOnce(
        ChatSession session,
        string? cid,
        ulong fingerprint,
        Func<long, DateTimeOffset, StoredMessage> create,
        Action<StoredMessage> deliver)
    {
        StoredMessage Submit() => log.Submit(create, message =>
        {
            using var scope = logger.BeginScope(session.LogScope);
            deliver(message);
            metrics.MessageReceived();
            Acknowledge(session, cid, message.Id, message.Timestamp);
        });

        if (session.Identity is not { } identity || cid is null)
        {
            session.LastSubmittedId = Submit().Id;
            return null;
        }

        lock (identity.Gate)
        {
            // A connection replaced by a resumed one may still be finishing a line; the new owner resends it.
            if (!ReferenceEquals(identity.Owner, session))
            {
                return null;
            }

            if (FindAccepted(identity, cid) is { } accepted)
            {
                if (accepted.Fingerprint != fingerprint)
                {
                    ServerLog.ClientIdReused(logger, session.Nick, cid, accepted.Id);
                    return new InvalidCommand(
                        ErrorCodes.CidReused,
                        $"client id {cid} was already used for another message (id {accepted.Id}); give every message its own",
                        cid);
                }

                ServerLog.DuplicateAcknowledged(logger, session.Nick, accepted.Id, cid);
                log.AfterStored(() => Acknowledge(session, cid, accepted.Id, accepted.Timestamp));
                return null;
            }

            var message = Submit();
            identity.Accept(cid, new AcceptedMessage(message.Id, message.Timestamp, fingerprint));
            session.LastSubmittedId = message.Id;
            return null;
        }
    }

    private AcceptedMessage? FindAccepted(ResumableIdentity identity, string cid) =>
        identity.TryGetAccepted(cid, out var accepted) ? accepted
        : (identity.Restored || identity.Overflowed) && log.Store.FindAccepted(identity.Token, cid) is { } stored ? AcceptedMessage.From(stored)
        : null;

    /// <summary>Accepts a private message; returns the refusal to send when there is one.</summary>
    public InvalidCommand? SendPrivate(ChatSession session, PrivateMessageCommand command)
    {
        var text = TextSanitizer.RemoveControlCharacters(command.Text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty(command.Cid);
        }

        if (directory.FindByNick(command.To) is not { } target)
        {
            return new InvalidCommand(ErrorCodes.NoSuchNick, $"no such nick: {TextSanitizer.RemoveControlCharacters(command.To)}", command.Cid);
        }

        var to = target.Nick;
        var nick = session.Nick;
        return AcceptOnce(
            session,
            command.Cid,
            AcceptedMessage.FingerprintOf(MessageKind.Private, to, text),
            (id, timestamp) => new StoredMessage(id, timestamp, MessageKind.Private, null, nick, to, text, session.Identity?.Token, command.Cid),
            message =>
            {
                fanout.DeliverPrivate(message, session);
                ServerLog.PrivateMessage(logger, message.Id, nick, to, text);
                display.Show($"{nick} ({session.RemoteEndPoint}) -> {to}: {text}");
            });
    }

    private static void Acknowledge(ChatSession session, string? cid, long id, DateTimeOffset timestamp)
    {
        if (session.Mode == WireMode.Json)
        {
            session.Send(new AckEvent(cid, id, timestamp));
        }
    }

    private static InvalidCommand Empty(string? cid) => new(ErrorCodes.BadArguments, "message text is empty", cid);
}
