using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Irc;

/// <summary>Sending an IRC connection a reply the command handler made.</summary>
internal static class IrcReplying
{
    public static void Reply(this ChatSession session, string line) => session.Send(new IrcLineEvent(line));

    /// <summary>A numeric from this server to the connection: its nickname, or <c>*</c> before it has one.</summary>
    public static string Numeric(this ChatSession session, string code, string parameters) =>
        IrcReplies.Numeric(session.Irc!.ServerName, code, session.Registered ? session.Nick : "*", parameters);
}
