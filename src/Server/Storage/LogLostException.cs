namespace SocketChat.Server.Storage;

// Cluster mode: the shared log is not the one this node followed (Redis lost its data); the node has taken the new
// one already, and the message says what was found. The append or read that met it is tried again.
internal sealed class LogLostException(string message) : Exception(message);
