namespace SocketChat.Server.Storage;

// A store, or the cluster's registry beside it, could not answer what a connection is waiting for (Redis away,
// stalled): the connection is told so and closed. Said in the store's own words; the cause is inside.
internal sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
