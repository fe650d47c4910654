namespace SocketChat.Protocol.Events;

/// <summary>What a <see cref="PresenceEvent"/> reports.</summary>
public enum PresenceAction
{
    /// <summary>The user entered the room.</summary>
    Join,

    /// <summary>The user left the room or disconnected.</summary>
    Leave,

    /// <summary>The user changed nickname.</summary>
    Rename,
}
