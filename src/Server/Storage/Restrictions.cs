namespace SocketChat.Server.Storage;

// Where a line may go in the log, for a store that is the only one appending (SQLite, memory; Redis's append script
// keeps the same rule for a shared log): a line judged at position P (Draft.JudgedAt) is stale when an entry that can
// restrict it was stored after P in its room, or server-wide; and once one of a connection's drafts in a batch is
// stale, so are its later ones (it must not overtake it). The writer alone calls it, a batch at a time; what a batch
// records counts for the drafts after it in the batch, and for later batches once committed.
internal sealed class Restrictions
{
    private const string Server = "*";

    private readonly Dictionary<string, long> _committed = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, long> _batch = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<long, long> _staleOrigins = [];

    public void BeginBatch()
    {
        _batch.Clear();
        _staleOrigins.Clear();
    }

    // The id of the restricting entry draft must be judged after, or 0 when it may be stored.
    public long StaleAfter(Draft draft)
    {
        if (draft.Origin != 0 && _staleOrigins.TryGetValue(draft.Origin, out var earlier))
        {
            return earlier;
        }

        if (draft.JudgedAt is not { } judged)
        {
            return 0;
        }

        var after = Math.Max(Last(Server), draft.Kind is MessageKind.Room or MessageKind.Notice && draft.Room is { } room ? Last(room) : 0);
        if (after <= judged)
        {
            return 0;
        }

        if (draft.Origin != 0)
        {
            _staleOrigins[draft.Origin] = after;
        }

        return after;
    }

    // After draft was stored as id.
    public void Stored(Draft draft, long id)
    {
        if (draft.Restricts)
        {
            _batch[draft.Room ?? Server] = id;
        }
    }

    // The batch was stored whole.
    public void Commit()
    {
        foreach (var (key, id) in _batch)
        {
            _committed[key] = id;
        }

        _batch.Clear();
    }

    private long Last(string key) =>
        _batch.TryGetValue(key, out var inBatch) ? inBatch : _committed.GetValueOrDefault(key);
}
