namespace SocketChat.Server.Logging;

/// <summary>Where the program sends its log, as said at start: a file's path, or standard output.</summary>
internal sealed record LogDestination(string Description);
