namespace SocketChat.Server.Logging;

// Where the program sends its log, as said at start: a file's path, or standard output.
internal sealed record LogDestination(string Description);
