namespace SocketChat.Protocol.Commands;

/// <summary>A message to the sender's current room.</summary>
public sealed record SayCommand(string Text, string? Cid = null) : ClientCommand(Cid);
