namespace SocketChat.Protocol.Encoders;

/// <summary>How a connection speaks.</summary>
public enum WireMode
{
    /// <summary>Human-readable lines, for nc and telnet (the default).</summary>
    Text,

    /// <summary>One JSON object per line, for programs; chosen by sending <c>/json</c> first.</summary>
    Json,

    /// <summary>IRC (RFC 1459/2812 and IRCv3), on the IRC listener; encoded per connection by the server.</summary>
    Irc,
}
