namespace SocketChat.Server.Storage;

internal enum MessageKind
{
    Room = 0,
    Private = 1,
    Announcement = 2,
}
