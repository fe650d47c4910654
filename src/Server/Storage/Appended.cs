namespace SocketChat.Server.Storage;

// What appending a draft did: stored it as Message, or found it stored already under its sender's
// token and client id (Duplicate), in which case Message is the first one.
internal readonly record struct Appended(StoredMessage Message, bool Duplicate);
