namespace SocketChat.Server.Configuration;

// Whether the server reads operator lines from its terminal.
internal enum OperatorConsoleMode
{
    // On when standard input is a terminal.
    Auto,
    On,
    Off,
}
