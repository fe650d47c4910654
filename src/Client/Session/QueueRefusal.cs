namespace SocketChat.Client.Session;

// Why a typed line was not queued for the server.
internal enum QueueRefusal
{
    // The outbox holds as many lines as it may.
    Full,

    // The client is logging in: a line typed now may be the password, typed before its prompt showed.
    LoggingIn,
}
