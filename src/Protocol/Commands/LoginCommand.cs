namespace SocketChat.Protocol.Commands;

/// <summary>A login to an account (<c>/login NAME PASSWORD</c>; JSON <c>{"type":"login","name":…,"password":…}</c>).</summary>
/// <remarks>The password never appears in <see cref="ToString"/>, so logging a command cannot leak it.</remarks>
public sealed record LoginCommand(string Name, string Password, string? Cid = null) : ClientCommand(Cid)
{
    /// <inheritdoc/>
    public override string ToString() => $"LoginCommand {{ Name = {Name}, Password = ***, Cid = {Cid} }}";
}
