namespace SocketChat.Protocol.Commands;

/// <summary>One request from a client, parsed from either wire mode.</summary>
/// <param name="Cid">The client's id for this request (JSON mode), echoed in the acknowledgement or error.</param>
public abstract record ClientCommand(string? Cid);
