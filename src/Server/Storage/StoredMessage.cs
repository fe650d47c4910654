using SocketChat.Protocol.Events;

namespace SocketChat.Server.Storage;

/// <summary>
/// A message as kept: a room message, a private one, or an operator announcement. <c>SenderToken</c> (the resume
/// token of the JSON client that sent it) with <c>Cid</c> is what makes a resend exactly-once.
/// </summary>
internal sealed record StoredMessage(
    long Id,
    DateTimeOffset Timestamp,
    MessageKind Kind,
    string? Room,
    string From,
    string? To,
    string Text,
    string? SenderToken = null,
    string? Cid = null)
{
    /// <summary>The connection on this server that sent it (0: the operator, or read back from the store); not stored.</summary>
    public long Origin { get; init; }

    /// <summary>Appended on this server (a cluster's log also holds the others'); not stored.</summary>
    public bool Local { get; init; }

    public static StoredMessage Of(Draft draft, long id, DateTimeOffset timestamp) =>
        new(id, timestamp, draft.Kind, draft.Room, draft.From, draft.To, draft.Text, draft.SenderToken, draft.Cid) { Origin = draft.Origin, Local = true };

    public RoomMessageEvent ToRoomEvent(bool history = false) => new(Id, Timestamp, Room ?? string.Empty, From, Text, history);

    public PrivateMessageEvent ToPrivateEvent() => new(Id, Timestamp, From, To ?? string.Empty, Text);

    public AnnouncementEvent ToAnnouncement(bool history = false) => new(Id, Timestamp, Text, history);

    /// <summary>A presence entry (<see cref="MessageKind.Presence"/>): the nickname is <c>From</c>, the action <c>Text</c>, the old nickname <c>To</c>.</summary>
    public PresenceEvent ToPresenceEvent() => new(Timestamp, Room ?? string.Empty, From, Enum.Parse<PresenceAction>(Text), To);

    /// <summary>The log entry for a presence notice; <paramref name="actor"/> (the connection that caused it, told directly) is not sent it again.</summary>
    public static Draft Presence(PresenceAction action, string room, string nick, string? oldNick = null, long actor = 0) =>
        new(MessageKind.Presence, room, nick, oldNick, action.ToString(), Origin: actor);

    /// <summary>As shown in a room's history: a room message, or an operator line (said to every room).</summary>
    public ServerEvent ToHistoryEvent() => Kind == MessageKind.Announcement ? ToAnnouncement(history: true) : ToRoomEvent(history: true);
}
