namespace SocketChat.Server.Storage;

// A JSON client's resumable identity as kept, so it can resume after the server restarts.
// Token: The resume token.
// Nick: Its nickname.
// Room: Its room.
// Seen: When it was last known to be in use.
// Ended: The identity ended (the client quit, or its account logged in elsewhere): delete it, it can never resume.
internal sealed record IdentityRecord(string Token, string Nick, string Room, DateTimeOffset Seen, bool Ended = false);
