using SocketChat.Protocol.Events;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Rooms;

/// <summary>
/// The one seam through which messages reach their recipients. The in-process implementation hands them to local
/// queues; a backplane implementation can carry them to other servers. No method waits for a recipient.
/// </summary>
internal interface IRoomFanout
{
    /// <summary>Assigns an id and delivers <paramref name="text"/> to everyone in the sender's room but the sender.</summary>
    RoomMessageEvent Publish(ChatSession sender, string text);

    /// <summary>Delivers a private message; null when nobody has the nickname <paramref name="recipient"/>.</summary>
    PrivateMessageEvent? SendPrivate(ChatSession sender, string recipient, string text);

    /// <summary>Delivers an operator line to every connection.</summary>
    AnnouncementEvent Announce(string text);

    /// <summary>Delivers a notice (presence) to a room's members, optionally leaving one out.</summary>
    void Notify(string room, ServerEvent notice, ChatSession? except = null);

    /// <summary>Delivers a notice to every connection.</summary>
    void NotifyEveryone(ServerEvent notice);
}
