namespace SocketChat.Protocol.Commands;

/// <summary>A message to one user, by nickname (<c>/msg NICK TEXT</c>).</summary>
public sealed record PrivateMessageCommand(string To, string Text, string? Cid = null) : ClientCommand(Cid);
