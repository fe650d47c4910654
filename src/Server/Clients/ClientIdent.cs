namespace SocketChat.Server.Clients;

// What a client said about itself beyond its nickname: an IRC client's USER (its user name and real name).
internal sealed record ClientIdent(string User, string RealName);
