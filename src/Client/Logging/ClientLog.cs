using Microsoft.Extensions.Logging;

namespace SocketChat.Client.Logging;

// Every log event the client writes (to its log file, never to the chat screen), with stable ids.
internal static partial class ClientLog
{
    [LoggerMessage(1, LogLevel.Information, "Connected to {EndPoint} as {Nick} in {Room} (resumed: {Resumed})", EventName = "Connected")]
    public static partial void Connected(ILogger logger, string endPoint, string nick, string room, bool resumed);

    [LoggerMessage(2, LogLevel.Warning, "Cannot connect to {EndPoint}: {Reason}", EventName = "ConnectFailed")]
    public static partial void ConnectFailed(ILogger logger, string endPoint, string reason);

    [LoggerMessage(3, LogLevel.Warning, "Connection to {EndPoint} lost", EventName = "ConnectionLost")]
    public static partial void ConnectionLost(ILogger logger, string endPoint);

    [LoggerMessage(4, LogLevel.Information, "Reconnecting in {Delay} (attempt {Attempt})", EventName = "Reconnecting")]
    public static partial void Reconnecting(ILogger logger, TimeSpan delay, int attempt);

    [LoggerMessage(5, LogLevel.Information, "Sent {Line}", EventName = "Sent")]
    public static partial void Sent(ILogger logger, string line);

    [LoggerMessage(6, LogLevel.Information, "Message {Cid} acknowledged as {MessageId}", EventName = "Acknowledged")]
    public static partial void Acknowledged(ILogger logger, string? cid, long messageId);

    [LoggerMessage(7, LogLevel.Information, "Received {Line}", EventName = "Received")]
    public static partial void Received(ILogger logger, string line);

    [LoggerMessage(8, LogLevel.Information, "Could not resume the earlier session", EventName = "ResumeFailed")]
    public static partial void ResumeFailed(ILogger logger);

    [LoggerMessage(9, LogLevel.Information, "Terminating; {Unsent} lines were not acknowledged", EventName = "Terminating")]
    public static partial void Terminating(ILogger logger, int unsent);

    [LoggerMessage(10, LogLevel.Warning, "Giving up after {Attempts} attempts", EventName = "GaveUp")]
    public static partial void GaveUp(ILogger logger, int attempts);

    [LoggerMessage(11, LogLevel.Warning, "Chat:Tls:AllowUntrusted=true: the server's certificate is not checked", EventName = "UntrustedAllowed")]
    public static partial void UntrustedAllowed(ILogger logger);

    [LoggerMessage(12, LogLevel.Warning, "Login as {Account} failed: {Reason}", EventName = "LoginFailed")]
    public static partial void LoginFailed(ILogger logger, string account, string reason);
}
