namespace SocketChat.Server.Configuration;

/// <summary>Whether the server reads operator lines from its terminal.</summary>
internal enum OperatorConsoleMode
{
    /// <summary>On when standard input is a terminal.</summary>
    Auto,
    On,
    Off,
}
