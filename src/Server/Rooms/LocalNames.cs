namespace SocketChat.Server.Rooms;

/// <summary>One server: its directory is the whole truth, so there is nothing to claim or renew elsewhere.</summary>
internal sealed class LocalNames : INameRegistry
{
    public bool Shared => false;

    public string? ClaimGuest(string owner) => null;

    public bool TryClaim(string nick, string owner) => true;

    public void ForceClaim(string nick, string owner)
    {
    }

    public void Release(string nick, string owner)
    {
    }

    public string? Find(string nick) => null;

    public string[]? Members(string room) => null;

    public void Moved(string nick, string? left, string? room)
    {
    }

    public void Renew(IReadOnlyList<(string Nick, string Owner, string? Room)> held)
    {
    }
}
