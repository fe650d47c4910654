namespace SocketChat.Protocol.Commands;

/// <summary>What a moderation request asks for.</summary>
public enum ModerationVerb
{
    /// <summary>Show the room's topic (no text) or set it (<c>/topic TEXT</c>; <c>/topic -</c> clears it).</summary>
    Topic,

    /// <summary>Remove a member from the room, with a reason everyone in it sees.</summary>
    Kick,

    /// <summary>Ban a mask from the room (or, server-wide, from the server), optionally for a while.</summary>
    Ban,

    /// <summary>Lift a ban.</summary>
    Unban,

    /// <summary>Mute a mask: its members stay and read, and cannot speak.</summary>
    Mute,

    /// <summary>Lift a mute.</summary>
    Unmute,

    /// <summary>Make a member an operator of the room.</summary>
    Op,

    /// <summary>Take operator from a member.</summary>
    Deop,

    /// <summary>Give a member a voice (it may speak in a moderated room).</summary>
    Voice,

    /// <summary>Take a member's voice.</summary>
    Devoice,

    /// <summary>Show the room's modes (no text) or change them (<c>+m</c>, <c>-i</c>, <c>+k KEY</c>, <c>+l 20</c>…).</summary>
    Mode,

    /// <summary>Invite a user into the room (the way into an invite-only room).</summary>
    Invite,

    /// <summary>Server operators: close a user's connection.</summary>
    Kill,

    /// <summary>List the room's (or the server's) bans and mutes.</summary>
    Bans,

    /// <summary>Server operators: a message to every server operator (IRC WALLOPS).</summary>
    Wallops,
}

/// <summary>
/// A moderation request, parsed from either wire mode (<c>/kick NICK REASON</c>, <c>{"type":"kick",…}</c>) or from
/// the operator console. <paramref name="Room"/> null means the requester's own room; <paramref name="ServerWide"/>
/// asks a server operator's ban or mute for the whole server.
/// </summary>
public sealed record ModerateCommand(
    ModerationVerb Verb,
    string? Room = null,
    string? Target = null,
    string? Text = null,
    TimeSpan? Duration = null,
    bool ServerWide = false,
    string? Cid = null) : ClientCommand(Cid)
{
    /// <summary>Whether a ban also removes the members it matches (SocketChat's <c>/ban</c>; IRC's <c>MODE +b</c> only bans).</summary>
    public bool RemoveBanned { get; init; } = true;

    /// <summary>Whether a server-wide ban or mute may match everyone (<c>--force</c>); without it one that would is refused.</summary>
    public bool Force { get; init; }

    /// <summary>Whether a done invitation is confirmed with an info line (IRC clients get their numeric instead).</summary>
    public bool Confirm { get; init; } = true;
}

/// <summary>Become a server operator with an operator account's name and password (<c>/oper NAME PASSWORD</c>).</summary>
public sealed record OperCommand(string Name, string Password, string? Cid = null) : ClientCommand(Cid);
