namespace SocketChat.Protocol.Commands;

/// <summary>A line that could not be understood; the server answers with an error and carries on.</summary>
/// <param name="Code">One of <see cref="ErrorCodes"/>.</param>
/// <param name="Message">A sentence for a person.</param>
/// <param name="Cid">The client id, when the line carried one.</param>
public sealed record InvalidCommand(string Code, string Message, string? Cid = null) : ClientCommand(Cid);
