using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketChat.Protocol.Events;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Operator;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// The one owner of room state. It reads the log in order (what the store took, from this server's writer or, in a
// cluster, every node's through the shared tail) together with the room changes sessions hand it, on one task:
// it applies each change to the rooms, which nothing else changes, and fans out what each entry means to whom:
// room messages and presence to their room, private messages to their recipient, operator lines to everyone. A
// change's position is the newest message delivered when it applied, so a newcomer's history and its live
// traffic neither overlap nor leave a gap, with no lock. This is also where a message is logged as an event and
// shown on the operator console: once, when it is delivered. Registered before the log so it stops after it.
internal sealed class LogReader(
    MessageLog log,
    RoomDirectory rooms,
    Users users,
    RoomFanout fanout,
    INameRegistry cluster,
    ServerMetrics metrics,
    OperatorDisplay display,
    MessageEvents messageEvents,
    RecentNames recent,
    Moderation moderation,
    TimeProvider clock,
    ILogger<LogReader> logger) : BackgroundService
{
    private readonly Channel<RoomChange> _changes = Channel.CreateUnbounded<RoomChange>(new UnboundedChannelOptions { SingleReader = true });

    // Hands the reader a room change; completes once it is applied (with where), or is cancelled when the reader
    // has stopped. A session holds its live events first (OutboundQueue.Hold) when it
    // will be shown history up to that position.
    public Task<RoomChanged> ChangeAsync(RoomChange change)
    {
        if (!_changes.Writer.TryWrite(change))
        {
            change.Done.TrySetCanceled();
        }

        return change.Done.Task;
    }

    // Not stoppingToken: the reader ends when the log has stored its last batch and completes what it hands over.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var committed = log.Committed;
        Task<bool>? batchWaiting = null;
        Task<bool>? changeWaiting = null;
        while (true)
        {
            // What the log had stored when a change came is delivered before it, so its position follows all of it;
            // then the changes; then, only what was queued meanwhile counted, round again, so neither starves.
            var delivered = false;
            for (var queued = committed.Count; queued > 0 && committed.TryRead(out var batch); queued--)
            {
                Deliver(batch);
                delivered = true;
            }

            while (_changes.Reader.TryRead(out var change))
            {
                ApplyOne(change);
                delivered = true;
            }

            if (delivered)
            {
                continue;
            }

            batchWaiting ??= committed.WaitToReadAsync(CancellationToken.None).AsTask();
            changeWaiting ??= _changes.Reader.WaitToReadAsync(CancellationToken.None).AsTask();
            await Task.WhenAny(batchWaiting, changeWaiting);
            if (changeWaiting.IsCompleted)
            {
                changeWaiting = null;
            }

            if (batchWaiting.IsCompleted)
            {
                if (!await batchWaiting)
                {
                    break;
                }

                batchWaiting = null;
            }
        }

        // The log has stopped: what was handed over meanwhile is applied, anything later is refused.
        _changes.Writer.TryComplete();
        while (_changes.Reader.TryRead(out var change))
        {
            ApplyOne(change);
        }
    }

    // Delivers a stored batch and moves the log's position to its end (the reader's loop; tests call it directly).
    internal void Deliver(IReadOnlyList<StoredMessage> batch)
    {
        foreach (var message in batch)
        {
            Deliver(message);
        }

        log.Delivered(batch);
    }

    // Applies a change (the reader's loop; tests call it directly).
    internal void ApplyOne(RoomChange change)
    {
        try
        {
            change.Done.TrySetResult(Apply(change));
        }
        catch (Exception ex)
        {
            ServerLog.RoomChangeFailed(logger, change.GetType().Name, ex);
            change.Done.TrySetException(ex);
        }
    }

    private RoomChanged Apply(RoomChange change)
    {
        switch (change)
        {
            case Arrive arrive:
                return Apply(arrive);
            case Move move:
            {
                var session = move.Session;
                if (moderation.JoinRefusal(session, move.Room, move.Key) is { } refused)
                {
                    return Refused(refused);
                }

                var left = rooms.ExitAll(session);
                foreach (var from in left)
                {
                    Tell(PresenceAction.Leave, from.Name, session.Nick);
                }

                var joined = rooms.Enter(session, move.Room)!;
                Tell(PresenceAction.Join, joined.Name, session.Nick, except: session);
                cluster.Moved(session.Nick, left is [var first, ..] ? first.Name : null, joined.Name);
                return Changed(joined.Name, left);
            }

            case JoinRoom join:
            {
                if (!join.Session.IsIn(join.Room) && moderation.JoinRefusal(join.Session, join.Room, join.Key) is { } refused)
                {
                    return Refused(refused);
                }

                if (rooms.Enter(join.Session, join.Room) is not { } joined)
                {
                    return Changed(null, []);
                }

                Tell(PresenceAction.Join, joined.Name, join.Session.Nick, except: join.Session);
                cluster.Moved(join.Session.Nick, null, joined.Name);
                return Changed(joined.Name, []);
            }

            case PartRoom part:
            {
                if (rooms.Exit(part.Session, part.Room) is not { } left)
                {
                    return Changed(null, []);
                }

                Tell(PresenceAction.Leave, left.Name, part.Session.Nick, reason: part.Reason);
                cluster.Moved(part.Session.Nick, left.Name, null);
                return Changed(null, [left]);
            }

            case Rename rename:
            {
                var session = rename.Session;
                recent.LetGo(rename.OldNick, session.Ident);
                foreach (var room in session.Rooms)
                {
                    cluster.Moved(rename.OldNick, room, null);
                    cluster.Moved(session.Nick, null, room);
                    Tell(PresenceAction.Rename, room, session.Nick, rename.OldNick, except: session);
                }

                return Changed(null, []);
            }

            case Depart depart:
            {
                var session = depart.Session;
                var left = rooms.ExitAll(session);
                if (session.Registered)
                {
                    recent.LetGo(session.Nick, session.Ident);
                }

                foreach (var room in left)
                {
                    cluster.Moved(session.Nick, room.Name, null);

                    // While the server shuts down everyone here is leaving, and the shutdown notice says so once; the
                    // other servers' members are told each one left (the log takes these before it stops).
                    if (depart.Shutdown)
                    {
                        TellOtherServers(PresenceAction.Leave, room.Name, session.Nick);
                    }
                    else
                    {
                        Tell(PresenceAction.Leave, room.Name, session.Nick, reason: depart.Reason, disconnected: depart.Disconnected);
                    }
                }

                return Changed(null, left);
            }

            case Lapsed lapsed:
                Tell(PresenceAction.Leave, lapsed.Room, lapsed.Nick, reason: lapsed.Reason, disconnected: true);
                return Changed(null, []);
            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "not a room change");
        }
    }

    // The room hears the displaced connection leave before the newcomer joins.
    private RoomChanged Apply(Arrive arrive)
    {
        var session = arrive.Session;
        var room = arrive.Room;
        if (moderation.ServerBan(session) is { } ban)
        {
            var until = ban.Expires is { } end ? $" until {SocketChat.Protocol.Encoders.EventWriter.FormatTimestamp(end)}" : string.Empty;
            return Refused(new SocketChat.Protocol.Commands.InvalidCommand(SocketChat.Protocol.ErrorCodes.Refused, $"you are banned from this server{until}")) with { Closes = true };
        }

        if (arrive.Displaced is { } displaced)
        {
            var left = rooms.ExitAll(displaced);
            if (room is not null && arrive.FollowDisplaced && left is [var first, ..])
            {
                room = first.Name;
            }

            foreach (var from in left)
            {
                if (!arrive.Quietly)
                {
                    Tell(PresenceAction.Leave, from.Name, displaced.Nick, except: session);
                    cluster.Moved(displaced.Nick, from.Name, null);
                }
            }
        }

        if (room is not null && moderation.JoinRefusal(session, room, key: null) is { } refused)
        {
            return Refused(refused);
        }

        if (room is null || rooms.Enter(session, room) is not { } entered)
        {
            return Changed(null, []);
        }

        Tell(PresenceAction.Join, entered.Name, session.Nick, except: session);
        cluster.Moved(session.Nick, null, entered.Name);
        return Changed(entered.Name, []);
    }

    private RoomChanged Changed(string? joined, List<Room> left) =>
        new(log.LastDelivered, joined, left.ConvertAll(room => room.Name))
        {
            // Its first member, in a room nobody ever owned.
            Claimable = joined is not null && rooms.FindRoom(joined)?.Count == 1 && moderation.Claimable(joined),
        };

    private RoomChanged Refused(SocketChat.Protocol.Commands.InvalidCommand refusal) => new(log.LastDelivered, null, []) { Refusal = refusal };

    // A moderation entry: applied to the rules, then told and carried out on this server's members (every node does
    // the same with its own); one read again at start is applied alone.
    private void Moderate(StoredMessage entry)
    {
        if (ModerationRecord.Of(entry) is not { } record || !moderation.Apply(entry, record) || entry.Replayed || record.IsClaim)
        {
            return;
        }

        var told = record.ToEvent(entry.Id, entry.Timestamp);
        ServerLog.Moderated(logger, record.Action, record.Room ?? "*", record.Actor, record.Target ?? string.Empty, record.Text ?? string.Empty);
        if (display.Enabled)
        {
            display.Show(SocketChat.Protocol.Encoders.TextEventWriter.Moderation(told));
        }

        if (record.Room is not { } room)
        {
            ModerateServer(record, told);
            return;
        }

        // Who is removed is out of the room before anyone hears it (its next line must find it out), then told
        // along with the room.
        switch (record.Action)
        {
            case ModerationActions.Kick when users.FindByNick(record.Target!) is { } kicked && kicked.IsIn(room):
                Remove(kicked, room);
                fanout.Notify(room, told);
                kicked.Send(told);
                break;
            case ModerationActions.Ban when record.Remove:
                fanout.Notify(room, told);
                foreach (var member in users.Sessions.Where(member => member.IsIn(room) && !member.ServerOperator && !moderation.Rules(room).IsOperator(member.Nick)
                    && BanMask.Matches(record.Target!, member)).ToList())
                {
                    // Its room hears it go as a kick, here and (as it leaving) on the other servers.
                    var kick = new ModerationEvent(entry.Id, entry.Timestamp, room, record.Actor, ModerationActions.Kick, member.Nick, "banned");
                    Remove(member, room);
                    fanout.Notify(room, kick);
                    member.Send(kick);
                    TellOtherServers(PresenceAction.Leave, room, member.Nick);
                }

                break;
            case ModerationActions.Invite when users.FindByNick(record.Target!) is { } invited && !invited.IsIn(room):
                fanout.Notify(room, told);
                invited.Send(told);
                break;
            default:
                fanout.Notify(room, told);
                break;
        }
    }

    private void Remove(ChatSession member, string room)
    {
        if (rooms.Exit(member, room) is not null)
        {
            cluster.Moved(member.Nick, room, null);
        }
    }

    // Server-wide: a kill or a ban closes who it is for on this server; server operators here are told of each.
    private void ModerateServer(ModerationRecord record, ModerationEvent told)
    {
        foreach (var session in users.Sessions.Where(session => session.Registered && (session.ServerOperator || (session.Wallops && record.Action == ModerationActions.Wallops))))
        {
            session.Send(told);
        }

        var (closing, why) = record.Action switch
        {
            ModerationActions.Kill => (users.FindByNick(record.Target!) is { } killed ? [killed] : [], $"killed by {record.Actor}{(string.IsNullOrEmpty(record.Text) ? string.Empty : ": " + record.Text)}"),
            ModerationActions.Ban when record.Remove => (
                users.Sessions.Where(session => session.Registered && !session.ServerOperator && BanMask.Matches(record.Target!, session)).ToList(),
                $"banned from this server by {record.Actor}"),
            _ => (new List<ChatSession>(), string.Empty),
        };
        foreach (var session in closing)
        {
            session.Send(new ErrorEvent(record.Action == ModerationActions.Kill ? SocketChat.Protocol.ErrorCodes.Killed : SocketChat.Protocol.ErrorCodes.Refused, why));
            session.StopReading(why);
        }
    }

    // This server's members at once, in their place among what is delivered; in a cluster, the other servers'
    // through the log, in order with the messages around it.
    private void Tell(PresenceAction action, string room, string nick, string? oldNick = null, ChatSession? except = null, string? reason = null, bool disconnected = false)
    {
        var told = new PresenceEvent(clock.GetUtcNow(), room, nick, action, oldNick, reason, disconnected)
        {
            RealName = action == PresenceAction.Join ? users.FindByNick(nick)?.Ident?.RealName : null,
        };
        fanout.Notify(room, told, except);
        TellOtherServers(action, room, nick, oldNick, except);
    }

    private void TellOtherServers(PresenceAction action, string room, string nick, string? oldNick = null, ChatSession? except = null)
    {
        if (log.Shared)
        {
            log.Announce(StoredMessage.Presence(action, room, nick, oldNick, except?.Id ?? 0));
        }
    }

    private void Deliver(StoredMessage message)
    {
        // The sender's connection, if it is still here: its scope on the event, and its pace (backpressure).
        var sender = message.Origin == 0 ? null : users.FindById(message.Origin);
        try
        {
            switch (message.Kind)
            {
                case MessageKind.Room or MessageKind.Notice:
                    fanout.DeliverRoomMessage(message, sender);
                    metrics.MessageReceived();
                    messageEvents.MessageReceived(message, sender?.LogScope);
                    Show(message, sender, $"[{message.Room}]");
                    break;
                case MessageKind.Private or MessageKind.PrivateNotice:
                    fanout.DeliverPrivate(message, sender);
                    metrics.MessageReceived();
                    messageEvents.PrivateMessage(message, sender?.LogScope);
                    Show(message, sender, $"-> {message.To}");
                    break;
                case MessageKind.Announcement:
                    fanout.DeliverAnnouncement(message);
                    messageEvents.OperatorMessage(message);
                    break;
                case MessageKind.Moderation:
                    Moderate(message);
                    break;
                case MessageKind.Presence when !message.Local:
                    // Another server's: its own members were told when it happened, this one's are told now.
                    fanout.Notify(message.Room!, message.ToPresenceEvent());
                    break;
            }
        }
        catch (Exception ex)
        {
            // One recipient's failure must not hold up the others or the log.
            using var scope = sender is null ? null : logger.BeginScope(sender.LogScope);
            ServerLog.DeliveryFailed(logger, message.Id, ex);
        }
    }

    private void Show(StoredMessage message, ChatSession? sender, string where)
    {
        if (display.Enabled)
        {
            display.Show(OperatorDisplay.Said(message.From, sender?.RemoteEndPoint ?? "gone", where, message.Text));
        }
    }
}
