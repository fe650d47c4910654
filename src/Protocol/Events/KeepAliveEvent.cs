namespace SocketChat.Protocol.Events;

/// <summary>
/// The server has heard no line for Chat:Limits:IdleTimeoutSeconds: the client must send any line (a program
/// sends a ping) or be disconnected. Text: <c>* ping: send any line within N s to stay connected</c>.
/// </summary>
public sealed record KeepAliveEvent(int GraceSeconds) : ServerEvent;
