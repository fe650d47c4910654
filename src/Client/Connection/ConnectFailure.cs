namespace SocketChat.Client.Connection;

// A connection attempt failed; Exception.Message is the reason in a few words. A fatal failure (the
// server's certificate is not trusted) will not go away by retrying, so the client stops.
internal sealed class ConnectFailure(string reason, Exception? inner = null, bool fatal = false) : Exception(reason, inner)
{
    public bool Fatal => fatal;
}
