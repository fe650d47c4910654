namespace SocketChat.Client.Session;

internal enum SessionOutcome
{
    /// <summary>The user closed the chat.</summary>
    Terminated,

    /// <summary>The connection was lost; reconnect.</summary>
    Dropped,

    /// <summary>The server said it will not serve this client; do not retry.</summary>
    Refused,
}
