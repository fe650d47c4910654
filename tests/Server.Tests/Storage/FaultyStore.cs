using SocketChat.Server.Storage;

namespace SocketChat.Server.Tests.Storage;

// A store that fails its commits on demand, as a full disk does, or is slow (a busy disk), so races that a fast
// store hides get time to happen; everything else goes to the real one.
internal sealed class FaultyStore(IMessageStore inner) : IMessageStore
{
    private readonly TaskCompletionSource _thirdFailure = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _failing;
    private int _failures;

    // Completes when a third commit has failed (the log retries every second).
    public Task ThirdFailure => _thirdFailure.Task;

    // How long each history read takes.
    public TimeSpan ReadDelay { get; init; }

    // How long each commit takes after its transaction is done (stored, not yet delivered).
    public TimeSpan CommitDelay { get; init; }

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public string Kind => inner.Kind;

    public string Location => inner.Location;

    public long LastId => inner.LastId;

    public void Open() => inner.Open();

    public async ValueTask<IReadOnlyList<Appended>> AppendAsync(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities)
    {
        if (_failing)
        {
            if (Interlocked.Increment(ref _failures) == 3)
            {
                _thirdFailure.TrySetResult();
            }

            throw new IOException("No space left on device");
        }

        var appended = await inner.AppendAsync(drafts, timestamp, identities);
        await Task.Delay(CommitDelay);
        return appended;
    }

    public async ValueTask<IReadOnlyList<StoredMessage>> RoomAsync(string room, long afterId, long beforeId, int limit)
    {
        await Task.Delay(ReadDelay);
        return await inner.RoomAsync(room, afterId, beforeId, limit);
    }

    public ValueTask<IdentityRecord?> FindIdentityAsync(string token) => inner.FindIdentityAsync(token);

    public ValueTask<IReadOnlyList<StoredMessage>> PrivateAsync(string nick, string? peer, long afterId, long beforeId, int limit, bool forward = false) =>
        inner.PrivateAsync(nick, peer, afterId, beforeId, limit, forward);

    public ValueTask<IReadOnlyDictionary<string, string>> AccountStateAsync(string account) => inner.AccountStateAsync(account);

    public ValueTask SaveAccountStateAsync(string account, string key, string value) => inner.SaveAccountStateAsync(account, key, value);

    public int Prune(DateTimeOffset? before, int? maxPerRoom) => inner.Prune(before, maxPerRoom);

    public IReadOnlyList<StoredMessage> Moderation() => inner.Moderation();

    public ValueTask SaveModerationSnapshotAsync(long upTo, string rules) => inner.SaveModerationSnapshotAsync(upTo, rules);

    public ValueTask<IReadOnlyList<StoredMessage>> RoomForwardAsync(string room, long afterId, long beforeId, int limit) => inner.RoomForwardAsync(room, afterId, beforeId, limit);

    public ValueTask<long> IdAtAsync(DateTimeOffset time) => inner.IdAtAsync(time);

    // Searches wait here until it completes (a search that takes long); searches that have started are counted.
    public TaskCompletionSource SearchGate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public int SearchesStarted => Volatile.Read(ref _searches);

    private int _searches;

    public bool HoldSearches { get; init; }

    public async ValueTask<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<string> rooms, string nick, IReadOnlyList<string> words, long beforeId, int limit)
    {
        Interlocked.Increment(ref _searches);
        if (HoldSearches)
        {
            await SearchGate.Task;
        }

        return await inner.SearchAsync(rooms, nick, words, beforeId, limit);
    }

    public IEnumerable<StoredMessage> Export(string room, DateTimeOffset since) => inner.Export(room, since);

    public void Dispose() => inner.Dispose();
}
