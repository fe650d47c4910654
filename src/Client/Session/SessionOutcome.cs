namespace SocketChat.Client.Session;

internal enum SessionOutcome
{
    // The user closed the chat.
    Terminated,

    // The connection was lost; reconnect.
    Dropped,

    // The server said it will not serve this client; do not retry.
    Refused,
}
