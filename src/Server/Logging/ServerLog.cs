using Microsoft.Extensions.Logging;

namespace SocketChat.Server.Logging;

// Every log event the server writes, with stable ids.
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "Listening on {EndPoint}", EventName = "Listening")]
    public static partial void Listening(ILogger logger, string endPoint);

    [LoggerMessage(46, LogLevel.Information, "IRC listening on {EndPoint} ({Transport})", EventName = "IrcListening")]
    public static partial void IrcListening(ILogger logger, string endPoint, string transport);

    [LoggerMessage(47, LogLevel.Information, "Web client on {Url}", EventName = "WebListening")]
    public static partial void WebListening(ILogger logger, string url);

    [LoggerMessage(48, LogLevel.Warning, "WebSocket from {RemoteEndPoint} refused: origin {Origin} is not allowed", EventName = "WebOriginRefused")]
    public static partial void WebOriginRefused(ILogger logger, string remoteEndPoint, string origin);

    [LoggerMessage(2, LogLevel.Information, "Client {Nick} connected from {RemoteEndPoint}", EventName = "ClientConnected")]
    public static partial void ClientConnected(ILogger logger, string nick, string remoteEndPoint);

    [LoggerMessage(3, LogLevel.Information, "Client {Nick} disconnected: {Reason}", EventName = "ClientDisconnected")]
    public static partial void ClientDisconnected(ILogger logger, string nick, string reason);

    // Events 4 (MessageReceived), 5 (PrivateMessage) and 6 (OperatorMessage) are written by MessageEvents.

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

    [LoggerMessage(21, LogLevel.Information, "{Account} logged in from {RemoteEndPoint}", EventName = "LoggedIn")]
    public static partial void LoggedIn(ILogger logger, string account, string remoteEndPoint);

    [LoggerMessage(22, LogLevel.Warning, "Failed login as {Account} from {RemoteEndPoint} ({Failures} from this address in the last minute)", EventName = "LoginFailed")]
    public static partial void LoginFailed(ILogger logger, string account, string remoteEndPoint, int failures);

    [LoggerMessage(23, LogLevel.Warning, "Too many failed logins from {RemoteEndPoint}: its next attempt waits {WaitSeconds} s", EventName = "LoginThrottled")]
    public static partial void LoginThrottled(ILogger logger, string remoteEndPoint, int waitSeconds);

    [LoggerMessage(24, LogLevel.Information, "{Account} logged in again from {RemoteEndPoint}; closing its connection from {PreviousEndPoint}", EventName = "LoginReplaced")]
    public static partial void LoginReplaced(ILogger logger, string account, string remoteEndPoint, string previousEndPoint);

    [LoggerMessage(25, LogLevel.Information, "Loaded {Count} accounts from {Path}", EventName = "AccountsLoaded")]
    public static partial void AccountsLoaded(ILogger logger, int count, string path);

    [LoggerMessage(26, LogLevel.Error, "Could not reload the accounts from {Path}; keeping the {Count} loaded before: {Reason}", EventName = "AccountsReloadFailed")]
    public static partial void AccountsReloadFailed(ILogger logger, string path, int count, string reason);

    [LoggerMessage(27, LogLevel.Information, "Loaded TLS certificate {Subject} ({Thumbprint}), valid until {NotAfter:u}, from {Path}", EventName = "CertificateLoaded")]
    public static partial void CertificateLoaded(ILogger logger, string subject, string thumbprint, DateTime notAfter, string path);

    [LoggerMessage(28, LogLevel.Error, "Could not reload the TLS certificate from {Path}; keeping {Thumbprint}: {Reason}", EventName = "CertificateReloadFailed")]
    public static partial void CertificateReloadFailed(ILogger logger, string path, string thumbprint, string reason);

    [LoggerMessage(29, LogLevel.Warning, "The TLS certificate {Subject} expires {NotAfter:u}", EventName = "CertificateExpiring")]
    public static partial void CertificateExpiring(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(30, LogLevel.Debug, "TLS handshake with {RemoteEndPoint} failed: {Reason}", EventName = "TlsHandshakeFailed")]
    public static partial void TlsHandshakeFailed(ILogger logger, string remoteEndPoint, string reason);

    [LoggerMessage(31, LogLevel.Information, "Refused plaintext from {RemoteEndPoint}: this server requires TLS", EventName = "PlaintextRefused")]
    public static partial void PlaintextRefused(ILogger logger, string remoteEndPoint);

    [LoggerMessage(32, LogLevel.Information, "Reloading the certificate and accounts ({Trigger})", EventName = "Reloading")]
    public static partial void Reloading(ILogger logger, string trigger);

    [LoggerMessage(33, LogLevel.Warning, "Password mode is on but {Path} has no accounts yet; add one with: SocketChat.Server users add NAME", EventName = "NoAccounts")]
    public static partial void NoAccounts(ILogger logger, string path);

    [LoggerMessage(34, LogLevel.Error, "Could not store {Count} messages; retrying, and delivering nothing until it works", EventName = "StoreFailed")]
    public static partial void StoreFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(35, LogLevel.Error, "Delivering message {MessageId} failed", EventName = "DeliveryFailed")]
    public static partial void DeliveryFailed(ILogger logger, long messageId, Exception exception);

    [LoggerMessage(68, LogLevel.Error, "Applying a room change ({Change}) failed", EventName = "RoomChangeFailed")]
    public static partial void RoomChangeFailed(ILogger logger, string change, Exception exception);

    [LoggerMessage(36, LogLevel.Information, "Message store: {Provider} at {Path}, last message id {LastId}", EventName = "StoreOpened")]
    public static partial void StoreOpened(ILogger logger, string provider, string path, long lastId);

    [LoggerMessage(37, LogLevel.Information, "Pruned {Count} messages (retention)", EventName = "Pruned")]
    public static partial void Pruned(ILogger logger, int count);

    [LoggerMessage(38, LogLevel.Warning, "Shutdown left {Count} connections that did not close after being aborted", EventName = "ConnectionsAbandoned")]
    public static partial void ConnectionsAbandoned(ILogger logger, int count);

    [LoggerMessage(39, LogLevel.Information, "The message store works again; storing and delivering the {Count} messages held back", EventName = "StoreRecovered")]
    public static partial void StoreRecovered(ILogger logger, int count);

    [LoggerMessage(40, LogLevel.Critical, "Stopping with {Count} messages the store could not take; none of them was acknowledged or delivered", EventName = "StoreAbandoned")]
    public static partial void StoreAbandoned(ILogger logger, int count);

    [LoggerMessage(41, LogLevel.Warning, "Refused a login from {RemoteEndPoint} unchecked: too many password checks are running and waiting", EventName = "LoginBusy")]
    public static partial void LoginBusy(ILogger logger, string remoteEndPoint);

    [LoggerMessage(42, LogLevel.Information, "Refused {Nick}'s message: client id {ClientId} was already used for message {MessageId} with other content", EventName = "ClientIdReused")]
    public static partial void ClientIdReused(ILogger logger, string nick, string clientId, long messageId);

    [LoggerMessage(43, LogLevel.Warning, "Cannot read the shared log: {Reason}; trying again from the same position", EventName = "TailFailed")]
    public static partial void TailFailed(ILogger logger, string reason);

    [LoggerMessage(44, LogLevel.Warning, "Redis at {Location} cannot be reached yet; this node keeps trying and serves once it answers", EventName = "StoreUnreachable")]
    public static partial void StoreUnreachable(ILogger logger, string location);

    [LoggerMessage(45, LogLevel.Debug, "Connection from {RemoteEndPoint} came through the load balancer at {Proxy}", EventName = "ConnectionThroughProxy")]
    public static partial void ConnectionThroughProxy(ILogger logger, string remoteEndPoint, string proxy);

    [LoggerMessage(49, LogLevel.Error, "Still cannot store {Count} messages ({Failures} more failed attempts): {Reason}", EventName = "StoreStillFailing")]
    public static partial void StoreStillFailing(ILogger logger, int count, int failures, string reason);

    [LoggerMessage(50, LogLevel.Warning, "{Work} failed; retrying", EventName = "BackgroundFailed")]
    public static partial void BackgroundFailed(ILogger logger, string work, Exception exception);

    [LoggerMessage(51, LogLevel.Warning, "{Work} still failing ({Failures} more failed attempts): {Reason}", EventName = "BackgroundStillFailing")]
    public static partial void BackgroundStillFailing(ILogger logger, string work, int failures, string reason);

    [LoggerMessage(52, LogLevel.Information, "{Work} works again after {Failures} failed attempts", EventName = "BackgroundRecovered")]
    public static partial void BackgroundRecovered(ILogger logger, string work, int failures);

    [LoggerMessage(54, LogLevel.Warning, "Still cannot read the shared log ({Failures} more failed attempts): {Reason}", EventName = "TailStillFailing")]
    public static partial void TailStillFailing(ILogger logger, int failures, string reason);

    [LoggerMessage(55, LogLevel.Information, "Reading the shared log again", EventName = "TailRecovered")]
    public static partial void TailRecovered(ILogger logger);

    [LoggerMessage(53, LogLevel.Warning, "The accounts file {Path} is missing; keeping the {Count} accounts loaded before (to remove every account, empty the file)", EventName = "UsersFileMissing")]
    public static partial void UsersFileMissing(ILogger logger, string path, int count);

    [LoggerMessage(56, LogLevel.Warning, "Took over the node name {Node} from {Run}, an earlier run on this machine that is gone", EventName = "NodeNameTakenOver")]
    public static partial void NodeNameTakenOver(ILogger logger, string node, string run);

    [LoggerMessage(57, LogLevel.Warning, "The node name {Node} is held by a process on {Host}; waiting for its lease to lapse", EventName = "NodeNameWaiting")]
    public static partial void NodeNameWaiting(ILogger logger, string node, string host);

    [LoggerMessage(58, LogLevel.Error, "The node name {Node} was taken by {Run} on {Host} (process {Pid}) while this node could not renew it: two nodes now share it; stop one", EventName = "NodeNameConflict")]
    public static partial void NodeNameConflict(ILogger logger, string node, string run, string host, int pid);

    [LoggerMessage(59, LogLevel.Warning, "Web request from {RemoteEndPoint} refused: host {Host} is not one this server answers to (Chat:Web:AllowedHosts)", EventName = "WebHostRefused")]
    public static partial void WebHostRefused(ILogger logger, string remoteEndPoint, string host);

    [LoggerMessage(60, LogLevel.Information, "SIGHUP was ignored (started under nohup?); taken back: SIGHUP reloads the certificate and accounts, and never stops the server", EventName = "HangupTakenBack")]
    public static partial void HangupTakenBack(ILogger logger);

    [LoggerMessage(61, LogLevel.Information, "SIGHUP: nothing to reload (no certificate, no accounts file in use)", EventName = "NothingToReload")]
    public static partial void NothingToReload(ILogger logger);

    [LoggerMessage(62, LogLevel.Warning, "Closed {Nick}'s connection: the store cannot be reached ({Reason})", EventName = "ConnectionStoreUnavailable")]
    public static partial void ConnectionStoreUnavailable(ILogger logger, string nick, string reason);

    [LoggerMessage(63, LogLevel.Error, "Lost log: {What}", EventName = "LogLost")]
    public static partial void LogLost(ILogger logger, string what);

    [LoggerMessage(64, LogLevel.Warning, "This node's clock is {Seconds} s {Direction} Redis's: the cluster keeps time by Redis, but this node's logs and local timers are off; set its clock right (NTP)", EventName = "ClockSkewed")]
    public static partial void ClockSkewed(ILogger logger, long seconds, string direction);

    [LoggerMessage(65, LogLevel.Information, "This node's clock agrees with Redis's again", EventName = "ClockAgrees")]
    public static partial void ClockAgrees(ILogger logger);

    [LoggerMessage(66, LogLevel.Information, "Data: {Data}; log: {Log}; TLS: {Tls}; accounts: {Accounts}", EventName = "Summary")]
    public static partial void Summary(ILogger logger, string data, string log, string tls, string accounts);

    [LoggerMessage(67, LogLevel.Warning, "Listening on every interface with no accounts: anyone who can reach port {Port} can chat here. Keep it to this machine with Chat:Host=127.0.0.1, or require accounts with Chat:Auth:Mode=password", EventName = "OpenToEveryone")]
    public static partial void OpenToEveryone(ILogger logger, int port);

    [LoggerMessage(80, LogLevel.Information, "Moderation: {Actor} {Action} {Target} in {Room} {Text}", EventName = "Moderated")]
    public static partial void Moderated(ILogger logger, string action, string room, string actor, string target, string text);

    [LoggerMessage(81, LogLevel.Information, "{Nick} is a server operator ({How})", EventName = "ServerOperator")]
    public static partial void BecameOperator(ILogger logger, string nick, string how);

    [LoggerMessage(82, LogLevel.Warning, "{Nick} from {RemoteEndPoint} failed to become a server operator ({Failures} failed password checks from its address in the last minute)", EventName = "OperFailed")]
    public static partial void OperFailed(ILogger logger, string nick, string remoteEndPoint, int failures);

    [LoggerMessage(83, LogLevel.Warning, "Could not read or keep {Account}'s devices' places and read markers: {Reason}", EventName = "AccountStateUnavailable")]
    public static partial void AccountStateUnavailable(ILogger logger, string account, string reason);

    [LoggerMessage(84, LogLevel.Information, "Device {Device} of {Nick} logged in from {RemoteEndPoint}, shown what came after message {LastId}", EventName = "DeviceResumed")]
    public static partial void DeviceResumed(ILogger logger, string device, string nick, string remoteEndPoint, long lastId);

    [LoggerMessage(85, LogLevel.Information, "Device {Device} of {Nick} left at message {LastId}", EventName = "DevicePlaceKept")]
    public static partial void DevicePlaceKept(ILogger logger, string device, string nick, long lastId);

    [LoggerMessage(86, LogLevel.Information, "Metrics for Prometheus on {Url}", EventName = "MetricsListening")]
    public static partial void MetricsListening(ILogger logger, string url);

    [LoggerMessage(87, LogLevel.Warning, "Delivery is late: {Reason}; reading the shared log every second, and unhealthy until caught up", EventName = "DeliveryLate")]
    public static partial void DeliveryLate(ILogger logger, string reason);

    [LoggerMessage(88, LogLevel.Information, "Delivery keeps up again: the log's publications arrive and the tail has caught up", EventName = "DeliveryOnTime")]
    public static partial void DeliveryOnTime(ILogger logger);

    [LoggerMessage(89, LogLevel.Warning, "Subscribing to the log's publications again: delivery has been late for a few seconds with Redis reachable", EventName = "Resubscribing")]
    public static partial void Resubscribing(ILogger logger);

    [LoggerMessage(90, LogLevel.Debug, "Kept a snapshot of every room's rules up to message {UpTo}", EventName = "ModerationSnapshotKept")]
    public static partial void ModerationSnapshotKept(ILogger logger, long upTo);

    [LoggerMessage(91, LogLevel.Warning, "Could not keep a snapshot of every room's rules up to message {UpTo}: {Reason}; the next one tries again", EventName = "ModerationSnapshotFailed")]
    public static partial void ModerationSnapshotFailed(ILogger logger, long upTo, string reason);
}
