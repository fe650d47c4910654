namespace SocketChat.Protocol.Events;

/// <summary>
/// A moderation action as the log recorded it: who (<paramref name="By"/>) did what (<paramref name="Action"/>, one
/// of <see cref="ModerationActions"/>) to whom or what (<paramref name="Target"/>: a nickname or a mask), in which
/// room (null: server-wide). <paramref name="Text"/> is the topic, a kick's reason or a mode change;
/// <paramref name="Expires"/> when a ban or mute ends by itself. Text mode: <c>* bob was kicked from lobby by alice: spam</c>.
/// </summary>
public sealed record ModerationEvent(
    long Id,
    DateTimeOffset Timestamp,
    string? Room,
    string By,
    string Action,
    string? Target = null,
    string? Text = null,
    DateTimeOffset? Expires = null,
    bool History = false) : ServerEvent;

/// <summary>The <see cref="ModerationEvent.Action"/> names, as JSON carries them.</summary>
public static class ModerationActions
{
    /// <summary>The topic was set (Text) or cleared (Text empty).</summary>
    public const string Topic = "topic";

    /// <summary>Target was removed from the room; Text is the reason.</summary>
    public const string Kick = "kick";

    /// <summary>Target (a mask) was banned.</summary>
    public const string Ban = "ban";

    /// <summary>A ban on Target was lifted.</summary>
    public const string Unban = "unban";

    /// <summary>Target (a mask) was muted.</summary>
    public const string Mute = "mute";

    /// <summary>A mute on Target was lifted.</summary>
    public const string Unmute = "unmute";

    /// <summary>Target became an operator of the room.</summary>
    public const string Op = "op";

    /// <summary>Target is no longer an operator.</summary>
    public const string Deop = "deop";

    /// <summary>Target got a voice.</summary>
    public const string Voice = "voice";

    /// <summary>Target lost its voice.</summary>
    public const string Devoice = "devoice";

    /// <summary>Target became an owner of the room (the first to join a new room, or made one).</summary>
    public const string Owner = "owner";

    /// <summary>Target is no longer an owner.</summary>
    public const string Disown = "disown";

    /// <summary>The room's modes changed; Text is the change (<c>+m</c>, <c>+k</c>, <c>-i</c>).</summary>
    public const string Mode = "mode";

    /// <summary>Target was invited into the room.</summary>
    public const string Invite = "invite";

    /// <summary>Target's connection was closed by a server operator; Text is the reason.</summary>
    public const string Kill = "kill";

    /// <summary>A server operator's message to the other server operators (IRC WALLOPS); Text is what it says.</summary>
    public const string Wallops = "wallops";
}
