namespace SocketChat.Server.Rooms;

// One server: its directory is the whole truth, so there is nothing to claim or renew elsewhere.
internal sealed class LocalNames : INameRegistry
{
    public bool Shared => false;

    public ValueTask<string?> ClaimGuestAsync(string owner) => ValueTask.FromResult<string?>(null);

    public ValueTask<bool> TryClaimAsync(string nick, string owner) => ValueTask.FromResult(true);

    public void Release(string nick, string owner)
    {
    }

    public ValueTask<string?> FindAsync(string nick) => ValueTask.FromResult<string?>(null);

    public ValueTask<string[]?> MembersAsync(string room) => ValueTask.FromResult<string[]?>(null);

    public void Moved(string nick, string? left, string? room)
    {
    }

    public Task<IReadOnlyList<(string Room, string Nick)>> RenewAsync(IReadOnlyList<(string Nick, string Owner, string[] Rooms)> held) =>
        Task.FromResult<IReadOnlyList<(string Room, string Nick)>>([]);
}
