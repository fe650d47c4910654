namespace SocketChat.Server.Storage;

/// <summary>
/// What appending a draft did: stored it as <paramref name="Message"/>, or found it stored already under its sender's
/// token and client id (<paramref name="Duplicate"/>), in which case <paramref name="Message"/> is the first one.
/// </summary>
internal readonly record struct Appended(StoredMessage Message, bool Duplicate);
