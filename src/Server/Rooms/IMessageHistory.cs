using SocketChat.Protocol.Events;

namespace SocketChat.Server.Rooms;

/// <summary>Recent room messages, so a client that comes back after a drop can be shown what it missed.</summary>
internal interface IMessageHistory
{
    /// <summary>Records a message; called in the room's delivery order.</summary>
    void Append(RoomMessageEvent message);

    /// <summary>The room's kept messages with an id above <paramref name="afterId"/>, oldest first, leaving out those from <paramref name="excludeFrom"/>.</summary>
    IReadOnlyList<RoomMessageEvent> After(string room, long afterId, string excludeFrom);
}
