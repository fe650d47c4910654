namespace SocketChat.Server.Storage;

/// <summary>A JSON client's resumable identity as kept, so it can resume after the server restarts.</summary>
/// <param name="Token">The resume token.</param>
/// <param name="Nick">Its nickname.</param>
/// <param name="Room">Its room.</param>
/// <param name="Seen">When it was last known to be in use.</param>
/// <param name="Ended">The identity ended (the client quit, or its account logged in elsewhere): delete it, it can never resume.</param>
internal sealed record IdentityRecord(string Token, string Nick, string Room, DateTimeOffset Seen, bool Ended = false);
