namespace SocketChat.Protocol.Commands;

/// <summary>A request for the members of the sender's room (<c>/who [PAGE]</c>), a page of <see cref="Events.WhoEvent.PageSize"/> at a time.</summary>
public sealed record WhoCommand(string? Cid = null, int Page = 1) : ClientCommand(Cid);
