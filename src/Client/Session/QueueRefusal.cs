namespace SocketChat.Client.Session;

/// <summary>Why a typed line was not queued for the server.</summary>
internal enum QueueRefusal
{
    /// <summary>The outbox holds as many lines as it may.</summary>
    Full,

    /// <summary>The client is logging in: a line typed now may be the password, typed before its prompt showed.</summary>
    LoggingIn,
}
