using System.Collections.Immutable;

namespace SocketChat.Server.Rooms;

// A member's standing in a room; an owner may also be an operator or have a voice (IRC's multi-prefix shows all).
[Flags]
internal enum RoomRole
{
    None = 0,
    Voice = 1,
    Operator = 2,
    Owner = 4,
}

// A ban or a mute: who (a BanMask), set by whom and when, until when (null: until lifted).
internal sealed record Restriction(string Mask, string By, DateTimeOffset At, DateTimeOffset? Expires)
{
    public bool Active(DateTimeOffset now) => Expires is not { } end || end > now;

    // "ban MASK by WHO at TIME [until TIME]", as /bans and the bans subcommand list it.
    public string Describe(string kind) =>
        $"{kind} {Mask} by {By} at {SocketChat.Protocol.Encoders.EventWriter.FormatTimestamp(At)}"
        + (Expires is { } until ? $" until {SocketChat.Protocol.Encoders.EventWriter.FormatTimestamp(until)}" : string.Empty);
}

// What a room's moderation is, as the log has made it: roles (by nickname, which is the account's name where
// accounts are on), the topic, the modes, bans, mutes and invitations. Immutable: the log reader makes a new one for
// each entry it applies, so anyone may read the current one without a lock.
internal sealed record RoomRules(string Name)
{
    // A new room is +nt: only operators set its topic, and only members speak in it.
    public const string DefaultModes = "nt";

    // The modes a room can have without an argument, and with one (+k KEY, +l COUNT).
    public const string FlagModes = "imnst";

    public ImmutableDictionary<string, RoomRole> Roles { get; init; } = ImmutableDictionary.Create<string, RoomRole>(StringComparer.OrdinalIgnoreCase);

    // True once anyone has owned it: the first to join claims only a room nobody ever owned.
    public bool EverOwned { get; init; }

    public string? Topic { get; init; }

    public string? TopicBy { get; init; }

    public DateTimeOffset? TopicAt { get; init; }

    public string Modes { get; init; } = DefaultModes;

    public string? Key { get; init; }

    public int? Limit { get; init; }

    public ImmutableList<Restriction> Bans { get; init; } = [];

    public ImmutableList<Restriction> Mutes { get; init; } = [];

    public ImmutableHashSet<string> Invited { get; init; } = ImmutableHashSet.Create<string>(StringComparer.OrdinalIgnoreCase);

    public bool Has(char mode) => Modes.Contains(mode, StringComparison.Ordinal);

    public RoomRole RoleOf(string nick) => Roles.GetValueOrDefault(nick);

    // An operator's authority: operators and owners.
    public bool IsOperator(string nick) => (RoleOf(nick) & (RoomRole.Operator | RoomRole.Owner)) != 0;

    // The modes as MODE #room tells them: "+ntk KEY", "+ntl 20"; the key only to those who may know it.
    public string ModeString(bool withKey)
    {
        var flags = "+" + Modes + (Key is null ? string.Empty : "k") + (Limit is null ? string.Empty : "l");
        var arguments = (Key is null ? string.Empty : " " + (withKey ? Key : "*")) + (Limit is { } limit ? $" {limit}" : string.Empty);
        return flags + arguments;
    }

    // The role's highest name (owner, op, voice), as /who and JSON say it; null for none.
    public static string? RoleName(RoomRole role) =>
        role.HasFlag(RoomRole.Owner) ? "owner" : role.HasFlag(RoomRole.Operator) ? "op" : role.HasFlag(RoomRole.Voice) ? "voice" : null;

    public RoomRules WithRole(string nick, RoomRole role, bool grant)
    {
        var now = grant ? RoleOf(nick) | role : RoleOf(nick) & ~role;
        return this with { Roles = now == RoomRole.None ? Roles.Remove(nick) : Roles.SetItem(nick, now) };
    }

    public RoomRules WithMode(char mode, bool adding) =>
        this with { Modes = adding ? new string([.. (Modes + mode).Distinct().Order()]) : Modes.Replace(mode.ToString(), string.Empty, StringComparison.Ordinal) };
}

// What the server as a whole refuses, as the log has made it: server operators' bans and mutes.
internal sealed record ServerRules
{
    public ImmutableList<Restriction> Bans { get; init; } = [];

    public ImmutableList<Restriction> Mutes { get; init; } = [];
}
