using SocketChat.Protocol.Events;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Rooms;

/// <summary>
/// Tells a room who came, went or was renamed: its members on this server at once (in their place among what is
/// being delivered: the caller may hold the log's position), and, in a cluster, the other servers' members through
/// the log, in order with the messages around it.
/// </summary>
internal sealed class Presence(IRoomFanout fanout, MessageLog log, TimeProvider clock)
{
    public void Tell(PresenceAction action, string room, string nick, string? oldNick = null, ChatSession? except = null, string? reason = null, bool disconnected = false)
    {
        fanout.Notify(room, new PresenceEvent(clock.GetUtcNow(), room, nick, action, oldNick, reason, disconnected), except);
        TellOtherServers(action, room, nick, oldNick, except);
    }

    /// <summary>In a cluster, the other servers' members only: this server's are told otherwise (its shutdown notice).</summary>
    public void TellOtherServers(PresenceAction action, string room, string nick, string? oldNick = null, ChatSession? except = null)
    {
        if (log.Shared)
        {
            log.Announce(StoredMessage.Presence(action, room, nick, oldNick, except?.Id ?? 0));
        }
    }
}
