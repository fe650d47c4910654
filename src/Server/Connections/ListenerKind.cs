namespace SocketChat.Server.Connections;

/// <summary>Which listener a connection came in on, which decides how it speaks.</summary>
internal enum ListenerKind
{
    /// <summary><c>Chat:Port</c>: text or JSON lines (TLS on the same port where a certificate is set).</summary>
    Chat,

    /// <summary><c>Chat:Irc:Port</c>: IRC in plaintext.</summary>
    Irc,

    /// <summary><c>Chat:Irc:TlsPort</c>: IRC over TLS, nothing else.</summary>
    IrcTls,

    /// <summary><c>Chat:Web:Port</c> or <c>Chat:Web:TlsPort</c>: a browser's WebSocket at <c>/ws</c>, one JSON object per text message.</summary>
    Web,
}
