using Microsoft.Extensions.Options;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// Hands what the log reader applies to this server's connections: each event is encoded once and only ever
// TryWrite-queued, so no recipient holds the reader up (one whose queue is full is dropped). Other servers of a
// cluster deliver to theirs from the shared log.
internal sealed class RoomFanout(RoomDirectory rooms, Users users, ServerMetrics metrics, IOptions<ChatOptions> options)
{
    // A stored room message, to everyone in its room but sender.
    public void DeliverRoomMessage(StoredMessage message, ChatSession? sender)
    {
        if (rooms.FindRoom(message.Room!) is not { } room)
        {
            return;
        }

        var overflowed = new List<ChatSession>();
        var told = sender is { Bot: true } ? message.ToRoomEvent() with { Bot = true } : message.ToRoomEvent();
        if (sender is { Account: not null } && users.SessionsOf(sender.Nick) is { Length: > 1 } devices)
        {
            // The sender's other devices are told it as the account's own line.
            metrics.Delivered(room.Deliver(told, sender, overflowed, exceptNick: sender.Nick));
            var own = new EncodedEvent(told with { Own = true });
            foreach (var device in devices)
            {
                if (!ReferenceEquals(device, sender) && room.Has(device) && device.Deliver(own) == EnqueueResult.Full)
                {
                    overflowed.Add(device);
                }
            }
        }
        else
        {
            metrics.Delivered(room.Deliver(told, sender, overflowed));
        }

        DropAll(overflowed);
    }

    // A stored private message, to its recipient if still connected.
    public void DeliverPrivate(StoredMessage message, ChatSession? sender)
    {
        // A person at nc or telnet sees what it sent, once it is stored (a program has its ack, IRC its echo).
        if (sender is { Mode: WireMode.Text })
        {
            sender.Send(new InfoEvent($"private to {message.To}: {message.Text}"));
        }

        // Every device of the recipient's account; the sender's other devices as the account's own line.
        var told = message.ToPrivateEvent();
        EncodedEvent? encoded = null;
        // One still arriving is shown it with what it missed, from the store.
        foreach (var target in users.SessionsOf(message.To!))
        {
            if (!ReferenceEquals(target, sender) && !target.Arriving)
            {
                Deliver(target, encoded ??= new EncodedEvent(told), sender);
            }
        }

        if (sender is { Account: not null } && !string.Equals(message.To, sender.Nick, StringComparison.OrdinalIgnoreCase))
        {
            EncodedEvent? own = null;
            foreach (var device in users.SessionsOf(sender.Nick))
            {
                if (!ReferenceEquals(device, sender) && !device.Arriving)
                {
                    Deliver(device, own ??= new EncodedEvent(told with { Own = true }), sender);
                }
            }
        }
    }

    private void Deliver(ChatSession target, EncodedEvent told, ChatSession? sender)
    {
        if (target.Deliver(told) == EnqueueResult.Full)
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

    // A stored operator line, to every connection.
    public void DeliverAnnouncement(StoredMessage message) => metrics.Delivered(NotifyEveryoneCounted(message.ToAnnouncement()));

    // A notice (presence) to a room's members, optionally leaving one out.
    public void Notify(string room, ServerEvent notice, ChatSession? except = null)
    {
        if (rooms.FindRoom(room) is not { } target)
        {
            return;
        }

        // Large rooms stay quiet about who comes and goes; /who still answers.
        if (notice is PresenceEvent && options.Value.PresenceRoomSizeLimit > 0 && target.Count > options.Value.PresenceRoomSizeLimit)
        {
            return;
        }

        var overflowed = new List<ChatSession>();
        target.Deliver(notice, except, overflowed);
        DropAll(overflowed);
    }

    // What a user says of itself, to each connection here sharing one of rooms with it whose protocol shows it, once
    // each (the sender's own connection left out); rooms too large to announce presence in stay quiet about it too.
    public void TellSharers(IEnumerable<string> sharedRooms, StatusEvent status, ChatSession? sender = null)
    {
        var limit = options.Value.PresenceRoomSizeLimit;
        var message = new EncodedEvent(status);
        var told = new HashSet<ChatSession>(ReferenceEqualityComparer.Instance);
        foreach (var room in sharedRooms)
        {
            if (rooms.FindRoom(room) is not { } shared || (limit > 0 && shared.Count > limit))
            {
                continue;
            }

            foreach (var member in shared.Members)
            {
                if (!ReferenceEquals(member, sender) && member.Protocol.Shows(member, status) && told.Add(member) && member.Deliver(message) == EnqueueResult.Full)
                {
                    member.Abort(ChatSession.SlowConsumerReason);
                }
            }
        }
    }

    // A notice to every connection (the store's health).
    public void NotifyEveryone(ServerEvent notice) => NotifyEveryoneCounted(notice);

    private int NotifyEveryoneCounted(ServerEvent notice)
    {
        var message = new EncodedEvent(notice);
        var delivered = 0;
        foreach (var session in users.Sessions)
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

    // After the room is walked: aborting cancels socket operations, which need not hold up the other members.
    private static void DropAll(List<ChatSession> overflowed)
    {
        foreach (var session in overflowed)
        {
            session.Abort(ChatSession.SlowConsumerReason);
        }
    }
}
