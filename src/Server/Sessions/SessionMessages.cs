using Microsoft.Extensions.Logging;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Text;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Sessions;

// Room and private messages from clients: each is appended to the log, which stores it (recognising a resent line
// by its sender's token and client id) before the log reader delivers it; the sender is acknowledged with what the
// append returned (Acknowledgements).
internal sealed class SessionMessages(Users users, MessageLog log, ILogger<SessionMessages> logger)
{
    // Accepts a message to room, its sender judged allowed to speak there at the log's position judgedAt (read before
    // the rules were); returns the refusal to send when there is one.
    public InvalidCommand? Say(ChatSession session, string room, string said, string? cid, long judgedAt)
    {
        var text = TextSanitizer.RemoveControlCharacters(said);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty(cid);
        }

        Append(session, cid, new Draft(session.Quiet ? MessageKind.Notice : MessageKind.Room, room, session.Nick, null, text, session.Identity?.Token, StoredCid(session, cid), session.Id) { JudgedAt = judgedAt });
        return null;
    }

    // Accepts a private message; returns the refusal to send when there is one.
    public async ValueTask<InvalidCommand?> SendPrivateAsync(ChatSession session, PrivateMessageCommand command)
    {
        var text = TextSanitizer.RemoveControlCharacters(command.Text);
        if (string.IsNullOrWhiteSpace(text))
        {
            return Empty(command.Cid);
        }

        // Judged (the server's bans) at the log's position now; here, or on another server of the cluster.
        var judgedAt = log.LastDelivered;
        if (await users.FindAsync(command.To) is not { } to)
        {
            return new InvalidCommand(ErrorCodes.NoSuchNick, $"no such nick: {TextSanitizer.RemoveControlCharacters(command.To)}", command.Cid);
        }

        Append(session, command.Cid, new Draft(session.Quiet ? MessageKind.PrivateNotice : MessageKind.Private, null, session.Nick, to, text, session.Identity?.Token, StoredCid(session, command.Cid), session.Id) { JudgedAt = judgedAt });
        return null;
    }

    private void Append(ChatSession session, string? cid, Draft draft)
    {
        // A connection replaced by a resumed one may still be finishing a line; the new owner resends it.
        if (session.Identity is { } identity && !ReferenceEquals(identity.Owner, session))
        {
            return;
        }

        // A person's text-mode line needs no answer; a program's (JSON) is acknowledged, and a client id used
        // again is answered either way. An IRC client's is too: its acknowledgement is the echo (echo-message).
        var answered = session.Mode != WireMode.Text || (draft.SenderToken is not null && cid is not null);
        var appended = log.AppendAsync(draft with { Answered = answered });
        session.LastAppend = appended;
        if (answered)
        {
            // An IRC NOTICE is echoed as one: the flag goes with the acknowledgement, which brings the echo.
            (session.Acknowledgements ??= new Acknowledgements(session, logger)).Add(
                appended, cid, AcceptedMessage.FingerprintOf(draft.Kind, draft.To, draft.Text), notice: session.Quiet);
        }
    }

    // A client id is kept with the message only where it makes a resend exactly-once (under a resume token); an
    // IRC line's (its label) is only answered with.
    private static string? StoredCid(ChatSession session, string? cid) => session.Identity is null ? null : cid;

    private static InvalidCommand Empty(string? cid) => new(ErrorCodes.BadArguments, "message text is empty", cid);
}
