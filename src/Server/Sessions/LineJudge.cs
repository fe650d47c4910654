using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Sessions;

// Judges a held line again, where it would go in the log (MessageLog asks once this server has applied the entry
// that made it stale): its sender must still be here, in the room, and allowed to speak there; a private line's
// sender not banned from the server. The rules are immutable snapshots and the directory concurrent: nothing here
// waits.
internal sealed class LineJudge(Users users, Moderation moderation) : ILineJudge
{
    public InvalidCommand? Refusal(Draft draft)
    {
        if (users.FindById(draft.Origin) is not { } session)
        {
            return new InvalidCommand(ErrorCodes.NotInRoom, "you left before your line could be sent");
        }

        if (draft.Kind is MessageKind.Room or MessageKind.Notice)
        {
            var room = draft.Room!;
            return !session.IsIn(room)
                ? new InvalidCommand(ErrorCodes.NotInRoom, $"you are no longer in {room}; your line was not sent")
                : moderation.SpeakRefusal(session, room);
        }

        return moderation.ServerBan(session) is { } ban ? Moderation.BannedFromServer(ban) : null;
    }

    public void Refused(Draft draft, InvalidCommand refusal) =>
        users.FindById(draft.Origin)?.Send(new ErrorEvent(refusal.Code, refusal.Message));
}
