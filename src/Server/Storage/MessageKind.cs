namespace SocketChat.Server.Storage;

internal enum MessageKind
{
    Room = 0,
    Private = 1,
    Announcement = 2,

    // Someone joined, left or was renamed: it goes through the log in order with the messages, and is not kept.
    Presence = 3,
}
