namespace SocketChat.Client.Connection;

/// <summary>A connection attempt failed; <see cref="Exception.Message"/> is the reason in a few words.</summary>
internal sealed class ConnectFailure(string reason, Exception? inner = null) : Exception(reason, inner);
