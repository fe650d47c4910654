using SocketChat.Protocol.Events;
using SocketChat.Server.Connections;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Rooms;

/// <summary>Delivers to this process's connections: each message is encoded once and only ever TryWrite-queued.</summary>
internal sealed class InProcessRoomFanout(RoomDirectory directory, MessageIds ids, IMessageHistory history, ServerMetrics metrics, TimeProvider clock) : IRoomFanout
{
    public RoomMessageEvent Publish(ChatSession sender, string text)
    {
        var room = directory.FindRoom(sender.Room) ?? throw new InvalidOperationException($"{sender.Nick} is in no room");
        var overflowed = new List<ChatSession>();
        var message = room.Deliver(
            () =>
            {
                var created = new RoomMessageEvent(ids.Next(), clock.GetUtcNow(), room.Name, sender.Nick, text);
                history.Append(created);
                return created;
            },
            sender,
            overflowed,
            out var delivered);
        metrics.Delivered(delivered);
        DropAll(overflowed);
        return (RoomMessageEvent)message.Event;
    }

    public PrivateMessageEvent? SendPrivate(ChatSession sender, string recipient, string text)
    {
        var target = directory.FindByNick(recipient);
        if (target is null)
        {
            return null;
        }

        var message = new PrivateMessageEvent(ids.Next(), clock.GetUtcNow(), sender.Nick, target.Nick, text);
        if (target.Deliver(new EncodedEvent(message)) == EnqueueResult.Full)
        {
            target.Abort(ChatSession.SlowConsumerReason);
        }
        else
        {
            metrics.Delivered(1);
            if (target.Outbound.IsCongested && !target.Outbound.Lagging)
            {
                sender.NoteCongestion(target.Outbound);
            }
        }

        return message;
    }

    public AnnouncementEvent Announce(string text)
    {
        var announcement = new AnnouncementEvent(ids.Next(), clock.GetUtcNow(), text);
        metrics.Delivered(NotifyEveryoneCounted(announcement));
        return announcement;
    }

    public void Notify(string room, ServerEvent notice, ChatSession? except = null)
    {
        if (directory.FindRoom(room) is not { } target)
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
