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
    // Moderation entries applied between two snapshots of every rule.
    public const int SnapshotEvery = 1000;

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

                // Where one device goes its account goes: its other one-room devices with it, its IRC ones out of the
                // room it left and into this one. They leave first, so the room hears the account leave once, as the
                // mover does.
                var from = session.Room;
                var siblings = users.SiblingsOf(session).ToList();
                foreach (var device in siblings)
                {
                    foreach (var room in device.Protocol.RegistersItself ? (from.Length > 0 && device.IsIn(from) ? [from] : []) : device.Rooms)
                    {
                        if (Exit(device, room, reason: null, disconnected: false) is not null)
                        {
                            device.Send(new PresenceEvent(clock.GetUtcNow(), room, device.Nick, PresenceAction.Leave) { Device = true });
                        }
                    }
                }

                var left = ExitAll(session, reason: null, disconnected: false);
                var joined = Enter(session, move.Room)!;
                foreach (var device in siblings)
                {
                    Follow(device, joined.Name);
                }

                return Changed(joined.Name, left);
            }

            case JoinRoom join:
            {
                if (!join.Session.IsIn(join.Room) && moderation.JoinRefusal(join.Session, join.Room, join.Key) is { } refused)
                {
                    return Refused(refused);
                }

                if (Enter(join.Session, join.Room) is not { } joined)
                {
                    return Changed(null, []);
                }

                // The account's other IRC devices join it too.
                foreach (var device in users.SiblingsOf(join.Session).Where(device => device.Protocol.RegistersItself))
                {
                    Follow(device, joined.Name);
                }

                return Changed(joined.Name, []);
            }

            case PartRoom part:
            {
                if (!part.Session.IsIn(part.Room))
                {
                    return Changed(null, []);
                }

                // Every device of the account leaves it: the room hears the account leave once.
                foreach (var device in users.SiblingsOf(part.Session).Where(device => device.IsIn(part.Room)))
                {
                    rooms.Exit(device, part.Room);
                    device.Send(new PresenceEvent(clock.GetUtcNow(), part.Room, device.Nick, PresenceAction.Leave, Reason: part.Reason) { Device = true });
                }

                return Exit(part.Session, part.Room, part.Reason, disconnected: false) is { } left ? Changed(null, [left]) : Changed(null, []);
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
                if (session.Registered)
                {
                    recent.LetGo(session.Nick, session.Ident);
                }

                // While the server shuts down everyone here is leaving, and the shutdown notice says so once; the
                // other servers' members are told each one left (the log takes these before it stops).
                var left = ExitAll(session, depart.Reason, depart.Disconnected, quietHere: depart.Shutdown);
                return Changed(null, left);
            }

            case Lapsed lapsed:
                Tell(PresenceAction.Leave, lapsed.Room, lapsed.Nick, reason: lapsed.Reason, disconnected: true);
                return Changed(null, []);
            case StatusChange status:
            {
                var rooms = status.Session.Rooms;
                fanout.TellSharers(rooms, status.Status, status.Session);
                if (log.Shared && rooms.Length > 0)
                {
                    log.Announce(StatusEntry.Of(status.Status, rooms));
                }

                return Changed(null, []);
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(change), change.GetType().Name, "not a room change");
        }
    }

    // The room hears the displaced connection leave before the newcomer joins. Another device of an account already
    // here goes where the account is, and the rooms hear nothing of it.
    private RoomChanged Apply(Arrive arrive)
    {
        var session = arrive.Session;
        session.Arriving = false;
        var room = arrive.Room;
        // The door checked before the name was claimed; this is the check in the log's order, after any ban entry
        // the door's check came too early for.
        if (moderation.ServerBan(session) is { } ban)
        {
            return Refused(Moderation.BannedFromServer(ban)) with { Closes = true };
        }

        if (arrive.Displaced is { } displaced)
        {
            var from = displaced.Room;
            var left = ExitAll(displaced, reason: null, disconnected: true, except: session, quietly: arrive.Quietly);
            if (room is not null && arrive.FollowDisplaced && left.Count > 0)
            {
                room = from.Length > 0 ? from : left[0].Name;
            }
        }

        var siblings = users.SiblingsOf(session).Where(device => device.Rooms.Length > 0).ToList();
        if (siblings.Count > 0)
        {
            // IRC: every channel its devices are in; one room: where its other one-room device is, else its IRC one's
            // last channel.
            var theirs = session.Protocol.RegistersItself
                ? [.. siblings.SelectMany(device => device.Rooms).Distinct(StringComparer.OrdinalIgnoreCase)]
                : new[] { (siblings.FirstOrDefault(device => !device.Protocol.RegistersItself) ?? siblings[0]).Room };
            var entered = new List<string>();
            foreach (var name in theirs)
            {
                if (rooms.Enter(session, name) is { } into)
                {
                    entered.Add(into.Name);
                }
            }

            return Changed(entered is [var first, ..] ? first : null, []) with { Entered = entered, Claimable = false };
        }

        if (room is not null && moderation.JoinRefusal(session, room, key: null) is { } refused)
        {
            return Refused(refused);
        }

        if (room is null || Enter(session, room) is not { } joined)
        {
            return Changed(null, []);
        }

        return Changed(joined.Name, []);
    }

    // Puts session in room; the room (here and on the other servers) hears of it unless its account was already
    // there on another device. Null when it was in it already.
    private Room? Enter(ChatSession session, string room)
    {
        var already = session.Account is { } account && rooms.FindRoom(room) is { } existing && existing.CountOf(account) > 0;
        if (rooms.Enter(session, room) is not { } entered)
        {
            return null;
        }

        if (!already)
        {
            Tell(PresenceAction.Join, entered.Name, session.Nick, except: session);
            cluster.Moved(session.Nick, null, entered.Name);
        }

        return entered;
    }

    // Another device of an account enters the room the account just entered, and is told as it would be had it joined.
    private void Follow(ChatSession device, string room)
    {
        if (rooms.Enter(device, room) is not { } entered)
        {
            return;
        }

        device.Send(new PresenceEvent(clock.GetUtcNow(), entered.Name, device.Nick, PresenceAction.Join) { Device = true });
        if (moderation.Rules(entered.Name) is { Topic: { } topic } rules)
        {
            device.Send(new TopicEvent(entered.Name, topic, rules.TopicBy, rules.TopicAt));
        }
    }

    // Takes session out of room; the room hears it leave when no other device of its account is left in it (here
    // with its reason, or only on the other servers while this one shuts down). Null when it was not in it.
    private Room? Exit(ChatSession session, string room, string? reason, bool disconnected, ChatSession? except = null, bool quietly = false, bool quietHere = false)
    {
        if (rooms.Exit(session, room) is not { } left)
        {
            return null;
        }

        if (quietly || (session.Account is { } account && left.CountOf(account) > 0))
        {
            return left;
        }

        cluster.Moved(session.Nick, left.Name, null);
        if (quietHere)
        {
            TellOtherServers(PresenceAction.Leave, left.Name, session.Nick);
        }
        else
        {
            Tell(PresenceAction.Leave, left.Name, session.Nick, except: except, reason: reason, disconnected: disconnected);
        }

        return left;
    }

    private List<Room> ExitAll(ChatSession session, string? reason, bool disconnected, ChatSession? except = null, bool quietly = false, bool quietHere = false)
    {
        var left = new List<Room>(session.Rooms.Length);
        foreach (var name in session.Rooms)
        {
            if (Exit(session, name, reason, disconnected, except, quietly, quietHere) is { } room)
            {
                left.Add(room);
            }
        }

        return left;
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
            case ModerationActions.Kick when users.SessionsOf(record.Target!).Where(kicked => kicked.IsIn(room)).ToList() is [_, ..] kicked:
                foreach (var device in kicked)
                {
                    Remove(device, room);
                }

                fanout.Notify(room, told);
                foreach (var device in kicked)
                {
                    device.Send(told);
                }

                break;
            case ModerationActions.Ban when record.Remove:
                fanout.Notify(room, told);
                foreach (var banned in users.Sessions.Where(member => member.IsIn(room) && !member.ServerOperator && !moderation.Rules(room).IsOperator(member.Nick)
                    && BanMask.Matches(record.Target!, member)).GroupBy(member => member.Nick, StringComparer.OrdinalIgnoreCase).ToList())
                {
                    // Its room hears it go as a kick, here and (as it leaving) on the other servers; each of an
                    // account's devices goes, the room told once.
                    var kick = new ModerationEvent(entry.Id, entry.Timestamp, room, record.Actor, ModerationActions.Kick, banned.Key, "banned");
                    foreach (var device in banned)
                    {
                        Remove(device, room);
                    }

                    fanout.Notify(room, kick);
                    foreach (var device in banned)
                    {
                        device.Send(kick);
                    }

                    TellOtherServers(PresenceAction.Leave, room, banned.Key);
                }

                break;
            case ModerationActions.Invite when users.SessionsOf(record.Target!) is [_, ..] invited && !invited[0].IsIn(room):
                fanout.Notify(room, told);
                foreach (var device in invited)
                {
                    device.Send(told);
                }

                break;
            default:
                fanout.Notify(room, told);
                break;
        }
    }

    private void Remove(ChatSession member, string room)
    {
        if (rooms.Exit(member, room) is { } left && (member.Account is not { } account || left.CountOf(account) == 0))
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
            ModerationActions.Kill => ([.. users.SessionsOf(record.Target!)], $"killed by {record.Actor}{(string.IsNullOrEmpty(record.Text) ? string.Empty : ": " + record.Text)}"),
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
                    if (moderation.SinceSnapshot >= SnapshotEvery)
                    {
                        // A start applies the snapshot and what follows it, not every entry ever stored.
                        var (upTo, rules) = moderation.TakeSnapshot();
                        log.SaveSnapshot(upTo, rules);
                    }

                    break;
                case MessageKind.Presence when !message.Local && StatusEntry.Read(message) is { } status:
                    // Another server's user said something of itself: its rooms' members here are told.
                    fanout.TellSharers(message.Room!.Split(','), status);
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
