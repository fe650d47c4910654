namespace SocketChat.Client.Connection;

/// <summary>
/// A connection attempt failed; <see cref="Exception.Message"/> is the reason in a few words. A fatal failure (the
/// server's certificate is not trusted) will not go away by retrying, so the client stops.
/// </summary>
internal sealed class ConnectFailure(string reason, Exception? inner = null, bool fatal = false) : Exception(reason, inner)
{
    public bool Fatal => fatal;
}
