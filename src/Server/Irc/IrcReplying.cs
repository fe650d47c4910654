using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Irc;

// Sending an IRC connection a reply the command handler made.
internal static class IrcReplying
{
    public static void Reply(this ChatSession session, string line) => session.Send(new IrcLineEvent(line));

    // A numeric from this server to the connection: its nickname, or * before it has one.
    public static string Numeric(this ChatSession session, string code, string parameters) =>
        IrcReplies.Numeric(session.Irc!.ServerName, code, session.Registered ? session.Nick : "*", parameters);
}
