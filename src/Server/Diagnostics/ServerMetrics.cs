using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace SocketChat.Server.Diagnostics;

// The server's counters, on the meter SocketChat.Server:
// dotnet-counters monitor -n SocketChat.Server --counters SocketChat.Server. The meter carries the node's
// name as its tag socketchat.node (an exporter's scope attribute), so a cluster's nodes are told apart.
internal sealed class ServerMetrics
{
    public const string MeterName = "SocketChat.Server";

    private long _connections;
    private readonly Counter<long> _received;
    private readonly Counter<long> _delivered;
    private readonly Counter<long> _bytesReceived;
    private readonly Counter<long> _bytesSent;
    private readonly Counter<long> _droppedSlow;
    private readonly Counter<long> _skippedTwice;
    private readonly Counter<long> _rejected;
    private readonly Counter<long> _refused;
    private readonly Counter<long> _throttled;
    private readonly Counter<long> _tlsFailed;
    private readonly Counter<long> _stored;
    private readonly Histogram<double> _commitSeconds;

    public const string NodeTag = "socketchat.node";

    // The meter its instruments are on (an exporter listens to it alone), and the node it is tagged with.
    public Meter Meter { get; }

    public string Node { get; }

    public ServerMetrics(IMeterFactory meters, string node)
    {
        var meter = meters.Create(new MeterOptions(MeterName) { Tags = [new(NodeTag, node)] });
        (Meter, Node) = (meter, node);
        // Observed rather than counted, so every collection interval reports it, changed or not.
        meter.CreateObservableUpDownCounter("socketchat.connections", () => Interlocked.Read(ref _connections), "{connection}", "Clients connected now");
        _received = meter.CreateCounter<long>("socketchat.messages.received", "{message}", "Messages accepted from clients (room and private)");
        _delivered = meter.CreateCounter<long>("socketchat.messages.delivered", "{message}", "Messages handed to recipients' queues (one per recipient)");
        _bytesReceived = meter.CreateCounter<long>("socketchat.bytes.received", "By", "Bytes read from clients");
        _bytesSent = meter.CreateCounter<long>("socketchat.bytes.sent", "By", "Bytes written to clients");
        _droppedSlow = meter.CreateCounter<long>("socketchat.clients.dropped_slow", "{client}", "Clients disconnected because their outbound queue overflowed");
        _skippedTwice = meter.CreateCounter<long>("socketchat.messages.skipped_twice", "{message}", "Lines not written to a connection that had been written their id already (a log read twice after a failover)");
        _rejected = meter.CreateCounter<long>("socketchat.lines.rejected", "{line}", "Lines answered with an error, by error code");
        _throttled = meter.CreateCounter<long>("socketchat.lines.throttled", "{line}", "Lines held back by flood control until the client's rate allowed them");
        _tlsFailed = meter.CreateCounter<long>("socketchat.tls.handshakes_failed", "{connection}", "TLS handshakes that failed or timed out, and plaintext refused where TLS is required");
        _stored = meter.CreateCounter<long>("socketchat.messages.stored", "{message}", "Messages committed to the store");
        _commitSeconds = meter.CreateHistogram<double>("socketchat.store.commit.duration", "s", "Time to commit one batch of messages");
        _refused = meter.CreateCounter<long>("socketchat.connections.refused", "{connection}", "Connections refused by a connection limit");
    }

    public void Connected() => Interlocked.Increment(ref _connections);

    public void Disconnected() => Interlocked.Decrement(ref _connections);

    public void MessageReceived() => _received.Add(1);

    public void Delivered(int recipients)
    {
        if (recipients > 0)
        {
            _delivered.Add(recipients);
        }
    }

    public void BytesReceived(long bytes) => _bytesReceived.Add(bytes);

    public void BytesSent(long bytes) => _bytesSent.Add(bytes);

    public void DroppedSlow() => _droppedSlow.Add(1);

    public void SkippedTwice() => _skippedTwice.Add(1);

    public void Refused() => _refused.Add(1);

    public void Throttled() => _throttled.Add(1);

    public void TlsFailed() => _tlsFailed.Add(1);

    public void Stored(int messages, TimeSpan elapsed)
    {
        if (messages > 0)
        {
            _stored.Add(messages);
            _commitSeconds.Record(elapsed.TotalSeconds);
        }
    }

    public void Rejected(string code) => _rejected.Add(1, new TagList { { "code", code } });
}
