using System.Threading.Channels;

namespace SocketChat.Server.Storage;

// Whether the store is taking messages. Set by the log's writer alone (after each commit or failed commit), but for
// a lost log, which its tail may find first; read by anyone, and each change is announced once on
// Changes so connected users can be told.
internal sealed class StoreHealth
{
    private readonly Channel<StoreChange> _changes = Channel.CreateUnbounded<StoreChange>(new UnboundedChannelOptions { SingleReader = true });
    private volatile string? _problem;

    // Cluster mode: why delivery is late though the store takes messages (the log's publications stopped arriving,
    // or this node's reader fell behind the log); null while it keeps up. Set by the tail alone.
    private volatile string? _delivery;

    // What is wrong, for the health probe; null while the store works and delivery keeps up.
    public string? Problem => _problem ?? _delivery;

    public string? DeliveryProblem => _delivery;

    // What is wrong in a few words, naming no address and quoting no exception: what anyone may be told.
    public string? Summary => _problem is not null ? "messages cannot be stored right now" : _delivery is not null ? "delivery is late" : null;

    // Delivery is late, for this reason; true when it was not before.
    public bool Late(string reason)
    {
        var first = _delivery is null;
        _delivery = reason;
        return first;
    }

    // Delivery keeps up again; true when it did not before.
    public bool OnTime()
    {
        var was = _delivery is not null;
        _delivery = null;
        return was;
    }

    // Each time the store starts failing, recovers, or is found to have lost its data; completed when the log stops.
    public ChannelReader<StoreChange> Changes => _changes.Reader;

    public void Failing(int waiting, DateTimeOffset since, string reason)
    {
        var first = _problem is null;
        _problem = $"cannot store messages since {since:HH:mm:ss} UTC ({waiting} waiting): {reason}";
        if (first)
        {
            _changes.Writer.TryWrite(StoreChange.Failing);
        }
    }

    // Cluster mode: the shared log was found emptied or gone back (by the writer or the tail); said once.
    public void Lost() => _changes.Writer.TryWrite(StoreChange.Lost);

    public void Working()
    {
        if (_problem is not null)
        {
            _problem = null;
            _changes.Writer.TryWrite(StoreChange.Recovered);
        }
    }

    public void Stopped() => _changes.Writer.TryComplete();
}
