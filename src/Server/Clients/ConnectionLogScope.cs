using System.Collections;

namespace SocketChat.Server.Clients;

// A connection's log scope (ConnectionId, RemoteEndPoint, Protocol: chat, irc or web) in one small object, where a
// dictionary would hold half a kilobyte of buckets for every connection.
internal sealed class ConnectionLogScope(long connectionId, string remoteEndPoint, string protocol) : IReadOnlyList<KeyValuePair<string, object>>
{
    private readonly object _connectionId = connectionId;
    private Serilog.Events.LogEventProperty? _connectionIdProperty;
    private Serilog.Events.LogEventProperty? _remoteEndPointProperty;
    private Serilog.Events.LogEventProperty? _protocolProperty;

    // The same as Serilog properties, for events written to Serilog directly; made when first logged.
    public Serilog.Events.LogEventProperty ConnectionIdProperty => _connectionIdProperty ??= new("ConnectionId", new Serilog.Events.ScalarValue(_connectionId));

    public Serilog.Events.LogEventProperty RemoteEndPointProperty => _remoteEndPointProperty ??= new("RemoteEndPoint", new Serilog.Events.ScalarValue(remoteEndPoint));

    public Serilog.Events.LogEventProperty ProtocolProperty => _protocolProperty ??= new("Protocol", new Serilog.Events.ScalarValue(protocol));

    public int Count => 3;

    public KeyValuePair<string, object> this[int index] => index switch
    {
        0 => new("ConnectionId", _connectionId),
        1 => new("RemoteEndPoint", remoteEndPoint),
        2 => new("Protocol", protocol),
        _ => throw new ArgumentOutOfRangeException(nameof(index)),
    };

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator()
    {
        yield return this[0];
        yield return this[1];
        yield return this[2];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => $"ConnectionId:{_connectionId} RemoteEndPoint:{remoteEndPoint} Protocol:{protocol}";
}
