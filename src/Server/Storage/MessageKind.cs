namespace SocketChat.Server.Storage;

internal enum MessageKind
{
    Room = 0,
    Private = 1,
    Announcement = 2,

    // Someone joined, left or was renamed: it goes through the log in order with the messages, and is not kept.
    Presence = 3,

    // A moderation action (ModerationRecord): kept like a message, shown in its room's history and export, and
    // read again at start so every node knows every role, topic, ban and mode. Never pruned.
    Moderation = 4,

    // An IRC NOTICE to a room: a room message that asks for no answer, relayed as a notice.
    Notice = 5,

    // An IRC NOTICE to a nickname: a private message relayed as a notice.
    PrivateNotice = 6,
}
