using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;
using SocketChat.Server.Accounts;
using SocketChat.Server.Clients;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Sessions;

// Who asks for a moderation action: a client's connection, or the operator console (no session: the server itself,
// a server operator). Replies go back to it as events.
internal sealed record Moderator(string Nick, bool ServerOperator, ChatSession? Session, Action<ServerEvent> Reply)
{
    public static Moderator Of(ChatSession session) => new(session.Nick, session.ServerOperator, session, session.Send);
}

// Moderation requests, from every kind of client alike: each is checked (the room, the target, the mask, the
// requester's authority) and refused with what is wrong, or appended to the log as a moderation entry, which the log
// reader applies (on every node) and tells the room. The reply comes once it is applied, so whatever the requester
// does next sees it done.
internal sealed class SessionModeration(
    Moderation moderation,
    MessageLog log,
    Users users,
    INameRegistry cluster,
    RoomDirectory rooms,
    ModerationPace pace,
    IOptions<ChatOptions> options,
    TimeProvider clock)
{
    // The longest topic or reason kept, in characters.
    public const int MaxTextLength = 300;

    // Refuses or carries out command; returns the refusal (null when done). removeBanned: a ban also removes who it
    // matches from the room (SocketChat's /ban; IRC's MODE +b only bans).
    public async Task<InvalidCommand?> HandleAsync(Moderator who, ModerateCommand command)
    {
        var removeBanned = command.RemoveBanned;
        var cid = command.Cid;
        var serverWide = command.ServerWide || command.Verb is ModerationVerb.Kill or ModerationVerb.Wallops
            || (who.Session is null && command.Room is null && command.Verb is ModerationVerb.Ban or ModerationVerb.Unban or ModerationVerb.Mute or ModerationVerb.Unmute or ModerationVerb.Bans);
        var room = serverWide ? null : command.Room ?? (who.Session?.Room is { Length: > 0 } own ? own : null);
        if (!serverWide && room is null)
        {
            return Refuse(ErrorCodes.NotInRoom, who.Session is null ? "name the room: #ROOM first" : "you are in no room: /join ROOM first", cid);
        }

        if (room is not null && !ChatNames.IsValid(room))
        {
            return Refuse(ErrorCodes.InvalidName, $"invalid room name; use {ChatNames.Rule}", cid);
        }

        if (room is not null)
        {
            room = rooms.FindRoom(room)?.Name ?? moderation.Rules(room).Name;
        }

        if (serverWide && !who.ServerOperator)
        {
            return Refuse(ErrorCodes.NotServerOperator, command.Verb switch
            {
                ModerationVerb.Kill => "only server operators can /kill",
                ModerationVerb.Wallops => "only server operators can send wallops",
                _ => "only server operators can ban or mute server-wide",
            }, cid);
        }

        // What a secret room is (its topic, modes, bans) is not told to those outside it.
        if (room is not null && command.Verb is ModerationVerb.Topic or ModerationVerb.Mode or ModerationVerb.Bans
            && (command.Verb == ModerationVerb.Bans || string.IsNullOrWhiteSpace(command.Text))
            && moderation.HiddenFrom(who.Session, room))
        {
            return Refuse(ErrorCodes.NotInRoom, $"you are not in {room}", cid);
        }

        switch (command.Verb)
        {
            case ModerationVerb.Topic when command.Text is null:
                var rules = moderation.Rules(room!);
                who.Reply(new TopicEvent(room!, rules.Topic, rules.TopicBy, rules.TopicAt, cid));
                return null;
            case ModerationVerb.Topic:
                return await ActAsync(who, new ModerationRecord(ModerationActions.Topic, room, who.Nick, null, Clean(command.Text)), cid);
            case ModerationVerb.Kick:
                return !await IsMemberAsync(room!, command.Target!)
                    ? Refuse(ErrorCodes.NoSuchNick, $"{Shown(command.Target!)} is not in {room}", cid)
                    : await ActAsync(who, new ModerationRecord(ModerationActions.Kick, room, who.Nick, await NickAsync(command.Target!), Clean(command.Text)), cid);
            case ModerationVerb.Ban or ModerationVerb.Mute or ModerationVerb.Unban or ModerationVerb.Unmute:
                return await RestrictAsync(who, command, room, removeBanned);
            case ModerationVerb.Op or ModerationVerb.Deop or ModerationVerb.Voice or ModerationVerb.Devoice:
                return await RoleAsync(who, command, room!);
            case ModerationVerb.Mode:
                return await ModeAsync(who, command, room!);
            case ModerationVerb.Invite:
                if (await users.FindAsync(command.Target!) is not { } invited)
                {
                    return Refuse(ErrorCodes.NoSuchNick, $"no such nick: {Shown(command.Target!)}", cid);
                }

                if (await IsMemberAsync(room!, invited))
                {
                    return Refuse(ErrorCodes.BadArguments, $"{invited} is already in {room}", cid);
                }

                return await ActAsync(who, new ModerationRecord(ModerationActions.Invite, room, who.Nick, invited), cid, command.Confirm ? $"invited {invited} to {room}" : null);
            case ModerationVerb.Wallops:
                return await ActAsync(who, new ModerationRecord(ModerationActions.Wallops, null, who.Nick, null, Clean(command.Text)), cid);
            case ModerationVerb.Kill:
                return await users.FindAsync(command.Target!) is not { } killed
                    ? Refuse(ErrorCodes.NoSuchNick, $"no such nick: {Shown(command.Target!)}", cid)
                    : await ActAsync(who, new ModerationRecord(ModerationActions.Kill, null, who.Nick, killed, Clean(command.Text)), cid);
            case ModerationVerb.Bans:
                ListRestrictions(who, room, cid);
                return null;
            default:
                return Refuse(ErrorCodes.UnknownCommand, "unknown moderation command", cid);
        }
    }

    // The first to join a room nobody ever owned becomes its owner: an entry like any other, so every node agrees
    // who it is (the first claim in the log wins).
    public async Task ClaimAsync(ChatSession session, string room)
    {
        if (moderation.Claimable(room))
        {
            await AppendAsync(new ModerationRecord(ModerationActions.Owner, room, session.Nick, session.Nick));
        }
    }

    private async Task<InvalidCommand?> RestrictAsync(Moderator who, ModerateCommand command, string? room, bool removeBanned)
    {
        var cid = command.Cid;
        if (BanMask.Normalize(command.Target!, options.Value.Limits.Ipv6PrefixLength) is not { } mask)
        {
            return Refuse(ErrorCodes.BadArguments, $"invalid mask \"{Shown(command.Target!)}\": use {BanMask.Rule}", cid);
        }

        var (action, list) = command.Verb switch
        {
            ModerationVerb.Ban => (ModerationActions.Ban, (IEnumerable<Restriction>?)null),
            ModerationVerb.Mute => (ModerationActions.Mute, null),
            ModerationVerb.Unban => (ModerationActions.Unban, room is null ? moderation.Server.Bans : moderation.Rules(room).Bans),
            _ => (ModerationActions.Unmute, room is null ? moderation.Server.Mutes : moderation.Rules(room).Mutes),
        };
        if (list is not null && !list.Any(restriction => string.Equals(restriction.Mask, mask, StringComparison.OrdinalIgnoreCase)))
        {
            return Refuse(ErrorCodes.BadArguments, $"{mask} is not {(action == ModerationActions.Unban ? "banned" : "muted")} {(room is null ? "on this server" : "in " + room)}", cid);
        }

        // Everyone banned (*!*@*, 0.0.0.0/0 and the like) is asked for by mistake far more often than meant: it must
        // be said twice. Server operators and the console stay in whatever it bans.
        if (room is null && action is ModerationActions.Ban or ModerationActions.Mute && !command.Force && BanMask.MatchesEveryone(mask))
        {
            return Refuse(
                ErrorCodes.BadArguments,
                $"{mask} matches everyone: a server-wide {action} of it shuts every user out (server operators and the console stay in); add --force if you mean that",
                cid);
        }

        DateTimeOffset? expires = command.Duration is { } lasts ? clock.GetUtcNow() + lasts : null;
        return await ActAsync(who, new ModerationRecord(action, room, who.Nick, mask, Clean(command.Text), expires, Remove: removeBanned && action == ModerationActions.Ban), cid);
    }

    private async Task<InvalidCommand?> RoleAsync(Moderator who, ModerateCommand command, string room)
    {
        var action = command.Verb switch
        {
            ModerationVerb.Op => ModerationActions.Op,
            ModerationVerb.Deop => ModerationActions.Deop,
            ModerationVerb.Voice => ModerationActions.Voice,
            _ => ModerationActions.Devoice,
        };
        return await RoleAsync(who, action, room, command.Target!, command.Cid);
    }

    private async Task<InvalidCommand?> RoleAsync(Moderator who, string action, string room, string target, string? cid)
    {
        // Given to a member; taken from whoever has it, here or not.
        var granting = action is ModerationActions.Op or ModerationActions.Voice or ModerationActions.Owner;
        if (granting && !await IsMemberAsync(room, target))
        {
            return Refuse(ErrorCodes.NoSuchNick, $"{Shown(target)} is not in {room}", cid);
        }

        var nick = granting ? await NickAsync(target) : target;
        return await ActAsync(who, new ModerationRecord(action, room, who.Nick, nick), cid);
    }

    // "+m", "-i+t", "+k KEY", "+l 20", "+o NICK", "+b MASK", "+b" (the list): each change its own entry, in order.
    private async Task<InvalidCommand?> ModeAsync(Moderator who, ModerateCommand command, string room)
    {
        var cid = command.Cid;
        var rules = moderation.Rules(room);
        if (string.IsNullOrWhiteSpace(command.Text))
        {
            who.Reply(new InfoEvent($"{room} modes: {rules.ModeString(withKey: who.ServerOperator || rules.IsOperator(who.Nick))}", cid));
            return null;
        }

        if (ChannelModes.Parse(command.Text) is not { } changes)
        {
            return Refuse(ErrorCodes.BadArguments, $"invalid mode change \"{Shown(command.Text)}\": {ChannelModes.Rule}", cid);
        }

        foreach (var change in changes)
        {
            var refused = change.Flag switch
            {
                'o' => await RoleAsync(who, change.Adding ? ModerationActions.Op : ModerationActions.Deop, room, change.Argument!, cid),
                'v' => await RoleAsync(who, change.Adding ? ModerationActions.Voice : ModerationActions.Devoice, room, change.Argument!, cid),
                'q' => await RoleAsync(who, change.Adding ? ModerationActions.Owner : ModerationActions.Disown, room, change.Argument!, cid),
                'b' when change.Argument is null => List(who, room, cid),
                'b' when change.Argument.StartsWith("m:", StringComparison.Ordinal) =>
                    await RestrictAsync(who, new ModerateCommand(change.Adding ? ModerationVerb.Mute : ModerationVerb.Unmute, room, change.Argument[2..], Cid: cid), room, removeBanned: false),
                'b' => await RestrictAsync(who, new ModerateCommand(change.Adding ? ModerationVerb.Ban : ModerationVerb.Unban, room, change.Argument, Cid: cid), room, removeBanned: false),
                _ => await ActAsync(who, new ModerationRecord(ModerationActions.Mode, room, who.Nick, null, change.ToString()), cid),
            };
            if (refused is not null)
            {
                return refused;
            }
        }

        return null;
    }

    private InvalidCommand? List(Moderator who, string room, string? cid)
    {
        ListRestrictions(who, room, cid);
        return null;
    }

    private void ListRestrictions(Moderator who, string? room, string? cid)
    {
        var (bans, mutes) = room is null
            ? (moderation.Server.Bans, moderation.Server.Mutes)
            : (moderation.Rules(room).Bans, moderation.Rules(room).Mutes);
        var where = room ?? "this server";
        var lines = moderation.Active(bans).Select(ban => "  " + ban.Describe("ban"))
            .Concat(moderation.Active(mutes).Select(mute => "  " + mute.Describe("mute")))
            .ToList();
        who.Reply(new InfoEvent(lines.Count == 0 ? $"no bans or mutes in {where}" : $"bans and mutes in {where} ({lines.Count}):", cid));
        foreach (var line in lines)
        {
            who.Reply(new InfoEvent(line, cid));
        }
    }

    // Checked here for the reply, and again as it applies, against what the log holds then.
    private async Task<InvalidCommand?> ActAsync(Moderator who, ModerationRecord record, string? cid, string? done = null)
    {
        record = record with { ByOperator = who.ServerOperator };
        if (moderation.Authorize(record) is { } refused)
        {
            return refused with { Cid = cid };
        }

        // Each entry stays in the log as long as retention keeps it: a connection makes them at a bounded pace.
        if (who.Session is { } session && !pace.TryTake(session.Id))
        {
            return Refuse(ErrorCodes.TooFast, $"too many moderation changes: at most {pace.PerMinute} a minute (10 at once); this one was not made", cid);
        }

        if (await AppendAsync(record, who.Session?.Id ?? 0) is not { } stored)
        {
            return Refuse(ErrorCodes.Unavailable, "the server could not store that; try again", cid);
        }

        if (done is not null)
        {
            who.Reply(new InfoEvent(done, cid));
        }

        if (cid is not null)
        {
            who.Reply(new AckEvent(cid, stored.Id, stored.Timestamp));
        }

        return null;
    }

    // Stored, then applied here; null when the server stopped before the store took it.
    private async Task<StoredMessage?> AppendAsync(ModerationRecord record, long origin = 0)
    {
        try
        {
            var appended = await log.AppendAsync(record.ToDraft(origin));
            await log.WhenDeliveredAsync(appended.Message.Id);
            return appended.Message;
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task<bool> IsMemberAsync(string room, string nick) =>
        (await cluster.MembersAsync(room) ?? rooms.FindRoom(room)?.Nicks() ?? []).Contains(nick, StringComparer.OrdinalIgnoreCase);

    // The nickname as its owner spells it.
    private async Task<string> NickAsync(string nick) => await users.FindAsync(nick) ?? nick;

    private static string? Clean(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var clean = TextSanitizer.RemoveControlCharacters(text).Trim();
        return clean.Length > MaxTextLength ? clean[..MaxTextLength] : clean;
    }

    private static string Shown(string text) => TextSanitizer.RemoveControlCharacters(text.Length > 64 ? text[..64] : text);

    private static InvalidCommand Refuse(string code, string message, string? cid) => new(code, message, cid);
}
