namespace SocketChat.Client.Session;

/// <summary>What the client knows about itself across connections: who and where it is, and how to resume.</summary>
internal sealed class ClientState
{
    public string? Nick { get; set; }

    public string? Room { get; set; }

    public string? ResumeToken { get; set; }

    /// <summary>The newest room message id seen (or acknowledged) in the current room: what a resume continues after.</summary>
    public long LastMessageId { get; set; }

    public bool EverConnected => Nick is not null;
}
