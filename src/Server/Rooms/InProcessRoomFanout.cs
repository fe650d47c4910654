using SocketChat.Protocol.Events;
using SocketChat.Server.Connections;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Rooms;

/// <summary>Delivers to this process's connections: each message is encoded once and only ever TryWrite-queued.</summary>
internal sealed class InProcessRoomFanout(RoomDirectory directory, ServerMetrics metrics, Microsoft.Extensions.Options.IOptions<Configuration.ChatOptions> options) : IRoomFanout
{
    public void DeliverRoomMessage(StoredMessage message, ChatSession? sender)
    {
        if (directory.FindRoom(message.Room!) is not { } room)
        {
            return;
        }

        var overflowed = new List<ChatSession>();
        room.Deliver(() => message.ToRoomEvent(), sender, overflowed, out var delivered);
        metrics.Delivered(delivered);
        DropAll(overflowed);
    }

    public void DeliverPrivate(StoredMessage message, ChatSession? sender)
    {
        // A person at nc or telnet sees what it sent, once it is stored (a program has its ack, IRC its echo).
        if (sender is { Mode: Protocol.Encoders.WireMode.Text })
        {
            sender.Send(new InfoEvent($"private to {message.To}: {message.Text}"));
        }

        if (directory.FindByNick(message.To!) is not { } target)
        {
            return;
        }

        if (target.Deliver(new EncodedEvent(message.ToPrivateEvent())) == EnqueueResult.Full)
        {
            target.Abort(ChatSession.SlowConsumerReason);
            return;
        }

        metrics.Delivered(1);
        if (sender is not null && target.Outbound.IsCongested && !target.Outbound.Lagging)
        {
            sender.NoteCongestion(target.Outbound);
        }
    }

    public int DeliverAnnouncement(StoredMessage message)
    {
        var delivered = NotifyEveryoneCounted(message.ToAnnouncement());
        metrics.Delivered(delivered);
        return delivered;
    }

    public void Notify(string room, ServerEvent notice, ChatSession? except = null)
    {
        if (directory.FindRoom(room) is not { } target)
        {
            return;
        }

        // Large rooms stay quiet about who comes and goes; /who still answers.
        if (notice is PresenceEvent && options.Value.PresenceRoomSizeLimit > 0 && target.Count > options.Value.PresenceRoomSizeLimit)
        {
            return;
        }

        var overflowed = new List<ChatSession>();
        target.Deliver(() => notice, except, overflowed, out _);
        DropAll(overflowed);
    }

    public void NotifyEveryone(ServerEvent notice) => NotifyEveryoneCounted(notice);

    private int NotifyEveryoneCounted(ServerEvent notice)
    {
        var message = new EncodedEvent(notice);
        var delivered = 0;
        foreach (var session in directory.Sessions)
        {
            if (session.Deliver(message) == EnqueueResult.Full)
            {
                session.Abort(ChatSession.SlowConsumerReason);
            }
            else
            {
                delivered++;
            }
        }

        return delivered;
    }

    // Outside the room's lock: aborting cancels socket operations, which need not hold up the other members.
    private static void DropAll(List<ChatSession> overflowed)
    {
        foreach (var session in overflowed)
        {
            session.Abort(ChatSession.SlowConsumerReason);
        }
    }
}
