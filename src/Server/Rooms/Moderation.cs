using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Options;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Server.Clients;
using SocketChat.Server.Configuration;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Rooms;

// Every room's moderation and the server's, as the log has made it: the log reader applies each moderation entry
// (Apply), in the log's order, alone; every node applies the same entries in the same order and so agrees. Each
// entry is judged again as it applies (Authorize), against the state it finds, so two operators racing on two nodes
// end the same everywhere. Anyone may read (a join's or a message's check, /who's roles): the rules are immutable
// and replaced whole, no lock.
internal sealed class Moderation(IOptions<ChatOptions> options, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, RoomRules> _rooms = new(StringComparer.OrdinalIgnoreCase);
    private volatile ServerRules _server = new();
    private long _applied;
    private int _sinceSnapshot;

    // Moderation entries applied since the last snapshot was taken (the reader takes one every so many).
    public int SinceSnapshot => _sinceSnapshot;

    // The reader's: every room's rules and the server's now, and the last entry they hold.
    public (long UpTo, string Rules) TakeSnapshot()
    {
        _sinceSnapshot = 0;
        return (_applied, ModerationSnapshot.Encode(_server, _rooms.Values, clock.GetUtcNow()));
    }

    public ServerRules Server => _server;

    public RoomRules Rules(string room) => _rooms.TryGetValue(room, out var rules) ? rules : new RoomRules(room);

    // The first to join a room nobody ever owned becomes its owner; the default room, where everyone lands, is the
    // server operators' alone.
    public bool Claimable(string room) =>
        !Rules(room).EverOwned && !string.Equals(room, options.Value.DefaultRoom, StringComparison.OrdinalIgnoreCase);

    // Why actor may not do what record asks, or null when it may.
    public InvalidCommand? Authorize(ModerationRecord record)
    {
        if (record.ByOperator)
        {
            return null;
        }

        if (record.Room is not { } room)
        {
            return new InvalidCommand(ErrorCodes.NotServerOperator, "only server operators can do that server-wide");
        }

        var rules = Rules(room);
        var role = rules.RoleOf(record.Actor);
        switch (record.Action)
        {
            case ModerationActions.Topic when !rules.Has('t'):
            case ModerationActions.Invite when !rules.Has('i'):
            case ModerationActions.Owner when record.Target == record.Actor && !rules.EverOwned:
                return null;
            case ModerationActions.Owner or ModerationActions.Disown when !role.HasFlag(RoomRole.Owner):
                return NotOperator($"only an owner of {room} can make or unmake owners");
        }

        if ((role & (RoomRole.Operator | RoomRole.Owner)) == 0)
        {
            return NotOperator($"you are not an operator of {room}");
        }

        if (record.Action is ModerationActions.Kick or ModerationActions.Deop or ModerationActions.Devoice
            && record.Target is { } target && rules.RoleOf(target).HasFlag(RoomRole.Owner) && !role.HasFlag(RoomRole.Owner))
        {
            return NotOperator($"only an owner can {record.Action} an owner of {room}");
        }

        return null;
    }

    // The reader's: applies an entry; false when it changes nothing (applied before, refused as it applies, or
    // unreadable), so it is not told either.
    public bool Apply(StoredMessage entry, ModerationRecord record)
    {
        if (entry.Id != 0 && entry.Id <= _applied)
        {
            return false;
        }

        _applied = Math.Max(_applied, entry.Id);
        if (record.Action == ModerationRecord.Snapshot)
        {
            // Every rule up to the entry's place at once: what a store keeps instead of the entries before it.
            var (server, rooms) = ModerationSnapshot.Decode(record.Text!);
            _server = server;
            _rooms.Clear();
            foreach (var room in rooms)
            {
                _rooms[room.Name] = room;
            }

            return true;
        }

        _sinceSnapshot++;
        if (Authorize(record) is not null)
        {
            return false;
        }

        if (record.Room is null)
        {
            var server = _server;
            _server = record.Action switch
            {
                ModerationActions.Ban => server with { Bans = Restrict(server.Bans, record, entry.Timestamp) },
                ModerationActions.Unban => server with { Bans = Lift(server.Bans, record.Target) },
                ModerationActions.Mute => server with { Mutes = Restrict(server.Mutes, record, entry.Timestamp) },
                ModerationActions.Unmute => server with { Mutes = Lift(server.Mutes, record.Target) },
                _ => server,
            };
            return true;
        }

        var rules = Rules(record.Room);
        var target = record.Target ?? string.Empty;
        RoomRules? changed = record.Action switch
        {
            ModerationActions.Topic => rules with
            {
                Topic = string.IsNullOrEmpty(record.Text) ? null : record.Text,
                TopicBy = record.Actor,
                TopicAt = entry.Timestamp,
            },
            ModerationActions.Ban => rules with { Bans = Restrict(rules.Bans, record, entry.Timestamp) },
            ModerationActions.Unban => rules with { Bans = Lift(rules.Bans, target) },
            ModerationActions.Mute => rules with { Mutes = Restrict(rules.Mutes, record, entry.Timestamp) },
            ModerationActions.Unmute => rules with { Mutes = Lift(rules.Mutes, target) },
            ModerationActions.Op => rules.WithRole(target, RoomRole.Operator, grant: true),
            ModerationActions.Deop => rules.WithRole(target, RoomRole.Operator, grant: false),
            ModerationActions.Voice => rules.WithRole(target, RoomRole.Voice, grant: true),
            ModerationActions.Devoice => rules.WithRole(target, RoomRole.Voice, grant: false),
            // A room's first owner is its operator too (IRC clients look for @ on a channel's creator).
            ModerationActions.Owner when record.IsClaim => rules.WithRole(target, RoomRole.Owner | RoomRole.Operator, grant: true) with { EverOwned = true },
            ModerationActions.Owner => rules.WithRole(target, RoomRole.Owner, grant: true) with { EverOwned = true },
            ModerationActions.Disown => rules.WithRole(target, RoomRole.Owner, grant: false),
            ModerationActions.Invite => rules with { Invited = rules.Invited.Add(target) },
            ModerationActions.Mode => WithMode(rules, record.Text),
            ModerationActions.Kick => rules,
            _ => null,
        };
        if (changed is null)
        {
            return false;
        }

        if (!ReferenceEquals(changed, rules))
        {
            _rooms[record.Room] = changed;
        }

        return true;
    }

    // A secret room (+s) is its members' and server operators' alone to see: who is in it, its topic, modes and bans.
    // Null session: the operator console, which sees everything.
    public bool HiddenFrom(ChatSession? session, string room) =>
        session is { ServerOperator: false } && !session.IsIn(room) && Rules(room).Has('s');

    // Why session may not join room with key, or null when it may. The member limit is the session's to check: it
    // counts the whole cluster's members.
    public InvalidCommand? JoinRefusal(ChatSession session, string room, string? key)
    {
        if (session.ServerOperator || !_rooms.TryGetValue(room, out var rules))
        {
            return null;
        }

        var invited = rules.Invited.Contains(session.Nick) || rules.IsOperator(session.Nick);
        if (!invited && Matching(rules.Bans, session) is not null)
        {
            return new InvalidCommand(ErrorCodes.Banned, $"you are banned from {rules.Name}");
        }

        if (rules.Has('i') && !invited)
        {
            return new InvalidCommand(ErrorCodes.InviteOnly, $"{rules.Name} is invite-only: an operator must /invite you");
        }

        if (rules.Key is { } needed && !invited && !string.Equals(key, needed, StringComparison.Ordinal))
        {
            return new InvalidCommand(ErrorCodes.BadKey, $"{rules.Name} needs a key: /join {rules.Name} KEY");
        }

        return null;
    }

    // Why session may not take the name nick: banned or muted in one of its rooms (under a new name it would be
    // neither), or the name banned from the server; null when it may.
    public InvalidCommand? RenameRefusal(ChatSession session, string nick)
    {
        if (session.ServerOperator)
        {
            return null;
        }

        foreach (var room in session.Rooms)
        {
            if (_rooms.TryGetValue(room, out var rules) && !rules.IsOperator(session.Nick) && rules.RoleOf(session.Nick) != RoomRole.Voice
                && (Matching(rules.Bans, session) ?? Matching(rules.Mutes, session)) is { } restriction)
            {
                var what = rules.Bans.Contains(restriction) ? "banned" : "muted";
                return new InvalidCommand(ErrorCodes.NickChangeBanned, $"you cannot change your nickname while {what} in {rules.Name}");
            }
        }

        return ServerBan(new BanMask.Subject(nick, session.Ident?.User, session.Account, session.Address)) is not null
            ? new InvalidCommand(ErrorCodes.NickChangeBanned, $"{nick} is banned from this server")
            : null;
    }

    // Why session may not speak in room, or null when it may (the hot path: two lookups when nothing is moderated).
    public InvalidCommand? SpeakRefusal(ChatSession session, string room)
    {
        if (session.ServerOperator)
        {
            return null;
        }

        // Banned from the server while still connected (its connection closing, or banned without removal).
        if (_server.Bans.Count > 0 && Matching(_server.Bans, session) is { } ban)
        {
            return BannedFromServer(ban);
        }

        if (_server.Mutes.Count > 0 && Matching(_server.Mutes, session) is not null)
        {
            return new InvalidCommand(ErrorCodes.Muted, "you are muted on this server");
        }

        if (!_rooms.TryGetValue(room, out var rules) || rules.RoleOf(session.Nick) != RoomRole.None)
        {
            return null;
        }

        if (Matching(rules.Bans, session) is not null)
        {
            return new InvalidCommand(ErrorCodes.Banned, $"you are banned from {rules.Name} and cannot speak in it");
        }

        if (Matching(rules.Mutes, session) is not null)
        {
            return new InvalidCommand(ErrorCodes.Muted, $"you are muted in {rules.Name}");
        }

        return rules.Has('m') ? new InvalidCommand(ErrorCodes.Muted, $"{rules.Name} is moderated: only members with a voice can speak") : null;
    }

    // The server-wide ban session falls under, if any (server operators fall under none).
    public Restriction? ServerBan(ChatSession session) => session.ServerOperator ? null : Matching(_server.Bans, session);

    // The server-wide ban a connection falls under as it asks to be (its nickname or account to come), if any.
    public Restriction? ServerBan(BanMask.Subject subject)
    {
        var now = clock.GetUtcNow();
        return _server.Bans.FirstOrDefault(restriction => restriction.Active(now) && BanMask.Matches(restriction.Mask, subject));
    }

    // What a connection the server has banned is told: until when, and (where any can) how an operator gets in.
    public static InvalidCommand BannedFromServer(Restriction ban)
    {
        var until = ban.Expires is { } end ? $" until {SocketChat.Protocol.Encoders.EventWriter.FormatTimestamp(end)}" : string.Empty;
        return new InvalidCommand(ErrorCodes.Refused, $"you are banned from this server{until}");
    }

    public Restriction? Matching(IEnumerable<Restriction> restrictions, ChatSession session)
    {
        var now = clock.GetUtcNow();
        return restrictions.FirstOrDefault(restriction => restriction.Active(now) && BanMask.Matches(restriction.Mask, session));
    }

    // The ones in force now.
    public IEnumerable<Restriction> Active(IEnumerable<Restriction> restrictions)
    {
        var now = clock.GetUtcNow();
        return restrictions.Where(restriction => restriction.Active(now));
    }

    private static InvalidCommand NotOperator(string message) => new(ErrorCodes.NotOperator, message);

    // A mask banned again is banned anew (its expiry the latest's).
    private static System.Collections.Immutable.ImmutableList<Restriction> Restrict(System.Collections.Immutable.ImmutableList<Restriction> list, ModerationRecord record, DateTimeOffset at) =>
        Lift(list, record.Target).Add(new Restriction(record.Target ?? string.Empty, record.Actor, at, record.Expires));

    private static System.Collections.Immutable.ImmutableList<Restriction> Lift(System.Collections.Immutable.ImmutableList<Restriction> list, string? mask) =>
        list.RemoveAll(restriction => string.Equals(restriction.Mask, mask, StringComparison.OrdinalIgnoreCase));

    // "+m", "-i", "+k KEY", "-k", "+l 20", "-l": one change an entry.
    private static RoomRules? WithMode(RoomRules rules, string? change)
    {
        if (change is not { Length: >= 2 } || change[0] is not ('+' or '-'))
        {
            return null;
        }

        var adding = change[0] == '+';
        var argument = change.Length > 3 ? change[3..] : null;
        return change[1] switch
        {
            'k' when adding && argument is not null => rules with { Key = argument },
            'k' when !adding => rules with { Key = null },
            'l' when adding && int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit > 0 => rules with { Limit = limit },
            'l' when !adding => rules with { Limit = null },
            // Invitations are into an invite-only room: they end when it stops being one.
            'i' when !adding => rules.WithMode('i', false) with { Invited = rules.Invited.Clear() },
            var flag when RoomRules.FlagModes.Contains(flag) => rules.WithMode(flag, adding),
            _ => null,
        };
    }
}
