namespace SocketChat.Protocol.Framing;

/// <summary>The outcome of one <see cref="LineFramer.TryReadLine"/> call.</summary>
public enum FrameStatus
{
    /// <summary>No complete line is buffered yet; read more bytes.</summary>
    Incomplete,

    /// <summary>A complete line, without its CR/LF terminator, was read.</summary>
    Line,

    /// <summary>A line exceeded the limit; its bytes are discarded up to the next LF.</summary>
    TooLong,
}
