using SocketChat.Protocol.Events;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Rooms;

/// <summary>
/// The one seam through which messages reach this server's recipients: it hands them to local queues (other
/// servers of a cluster deliver to theirs from the shared log). No method waits for a recipient. Messages come here
/// only once stored (<see cref="MessageLog"/>).
/// </summary>
internal interface IRoomFanout
{
    /// <summary>Delivers a stored room message to everyone in its room but <paramref name="sender"/>.</summary>
    void DeliverRoomMessage(StoredMessage message, ChatSession? sender);

    /// <summary>Delivers a stored private message to its recipient, if still connected.</summary>
    void DeliverPrivate(StoredMessage message, ChatSession? sender);

    /// <summary>Delivers a stored operator line to every connection; returns how many got it.</summary>
    int DeliverAnnouncement(StoredMessage message);

    /// <summary>Delivers a notice (presence) to a room's members, optionally leaving one out.</summary>
    void Notify(string room, ServerEvent notice, ChatSession? except = null);

    /// <summary>Delivers a notice to every connection.</summary>
    void NotifyEveryone(ServerEvent notice);
}
