using Microsoft.Extensions.Logging;

namespace SocketChat.Server.Logging;

/// <summary>Every log event the server writes, with stable ids.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {EndPoint}", EventName = "Listening")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(2, LogLevel.Information, "Client {Nick} connected from {RemoteEndPoint}", EventName = "ClientConnected")]
    public static partial void ClientConnected(ILogger logger, string nick, string remoteEndPoint);

    [LoggerMessage(3, LogLevel.Information, "Client {Nick} disconnected: {Reason}", EventName = "ClientDisconnected")]
    public static partial void ClientDisconnected(ILogger logger, string nick, string reason);

    [LoggerMessage(4, LogLevel.Information, "Message {MessageId} in {Room} from {Nick}: {Text}", EventName = "MessageReceived")]
    public static partial void MessageReceived(ILogger logger, long messageId, string room, string nick, string text);

    [LoggerMessage(5, LogLevel.Information, "Private message {MessageId} from {Nick} to {Recipient}: {Text}", EventName = "PrivateMessage")]
    public static partial void PrivateMessage(ILogger logger, long messageId, string nick, string recipient, string text);

    [LoggerMessage(6, LogLevel.Information, "Operator message {MessageId}: {Text}", EventName = "OperatorMessage")]
    public static partial void OperatorMessage(ILogger logger, long messageId, string text);

    [LoggerMessage(7, LogLevel.Information, "{OldNick} is now known as {Nick}", EventName = "NickChanged")]
    public static partial void NickChanged(ILogger logger, string oldNick, string nick);

    [LoggerMessage(8, LogLevel.Information, "{Nick} moved from {OldRoom} to {Room}", EventName = "RoomChanged")]
    public static partial void RoomChanged(ILogger logger, string nick, string oldRoom, string room);

    [LoggerMessage(9, LogLevel.Information, "Rejected a line from {Nick}: {ErrorCode} ({Reason})", EventName = "LineRejected")]
    public static partial void LineRejected(ILogger logger, string nick, string errorCode, string reason);

    [LoggerMessage(10, LogLevel.Warning, "Dropped slow client {Nick}: {Reason}", EventName = "SlowClientDropped")]
    public static partial void SlowClientDropped(ILogger logger, string nick, string reason);

    [LoggerMessage(11, LogLevel.Warning, "Accepting a connection failed", EventName = "AcceptFailed")]
    public static partial void AcceptFailed(ILogger logger, Exception exception);

    [LoggerMessage(12, LogLevel.Error, "Connection of {Nick} failed unexpectedly", EventName = "ConnectionFaulted")]
    public static partial void ConnectionFaulted(ILogger logger, string nick, Exception exception);

    [LoggerMessage(13, LogLevel.Information, "Shutting down: closing {Count} connections", EventName = "ShuttingDown")]
    public static partial void ShuttingDown(ILogger logger, int count);

    [LoggerMessage(14, LogLevel.Information, "Operator console input ended; the server keeps running", EventName = "OperatorInputEnded")]
    public static partial void OperatorInputEnded(ILogger logger);

    [LoggerMessage(15, LogLevel.Information, "Operator console is on", EventName = "OperatorConsoleOn")]
    public static partial void OperatorConsoleOn(ILogger logger);

    [LoggerMessage(16, LogLevel.Debug, "Connection from {RemoteEndPoint} switched to JSON mode", EventName = "JsonModeOn")]
    public static partial void JsonModeOn(ILogger logger, string remoteEndPoint);

    [LoggerMessage(17, LogLevel.Information, "Client {Nick} resumed from {RemoteEndPoint} after message {LastMessageId}", EventName = "ClientResumed")]
    public static partial void ClientResumed(ILogger logger, string nick, string remoteEndPoint, long lastMessageId);

    [LoggerMessage(18, LogLevel.Information, "Acknowledged again {Nick}'s resent message {MessageId} (client id {ClientId})", EventName = "DuplicateAcknowledged")]
    public static partial void DuplicateAcknowledged(ILogger logger, string nick, long messageId, string clientId);

    [LoggerMessage(19, LogLevel.Debug, "Connection from {RemoteEndPoint} closed before it was greeted: {Reason}", EventName = "ConnectionClosedUngreeted")]
    public static partial void ConnectionClosedUngreeted(ILogger logger, string remoteEndPoint, string reason);

    [LoggerMessage(20, LogLevel.Warning, "Refused a connection from {RemoteEndPoint}: {Reason}", EventName = "ConnectionRefused")]
    public static partial void ConnectionRefused(ILogger logger, string remoteEndPoint, string reason);
}
