using System.Threading.Channels;

namespace SocketChat.Server.Storage;

/// <summary>
/// Whether the store is taking messages. Set by the log's writer alone (after each commit or failed commit); read by
/// anyone, and each change is announced once on <see cref="Changes"/> so connected users can be told.
/// </summary>
internal sealed class StoreHealth
{
    private readonly Channel<bool> _changes = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private volatile string? _problem;

    /// <summary>What is wrong, for the health probe; null while the store works.</summary>
    public string? Problem => _problem;

    /// <summary>True each time the store starts failing, false each time it recovers; completed when the log stops.</summary>
    public ChannelReader<bool> Changes => _changes.Reader;

    public void Failing(int waiting, DateTimeOffset since, string reason)
    {
        var first = _problem is null;
        _problem = $"cannot store messages since {since:HH:mm:ss} UTC ({waiting} waiting): {reason}";
        if (first)
        {
            _changes.Writer.TryWrite(true);
        }
    }

    public void Working()
    {
        if (_problem is not null)
        {
            _problem = null;
            _changes.Writer.TryWrite(false);
        }
    }

    public void Stopped() => _changes.Writer.TryComplete();
}
