using System.Collections.Concurrent;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Sessions;
using SocketChat.Server.Tls;
using SocketChat.Server.Transports;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Connections;

// Owns every connection's task, so shutdown can tell them all and await them.
internal sealed class ConnectionTracker(
    SessionCommands commands,
    ConnectionAdmission admission,
    FloodControl floodControl,
    TlsGate tls,
    TimeProvider clock,
    ServerMetrics metrics,
    IOptions<ChatOptions> options,
    ILogger<ClientConnection> logger) : IDisposable
{
    private static readonly TimeSpan AbortedCloseLimit = TimeSpan.FromSeconds(1);

    // A load balancer sends its header with the connection; one that has not within this is not one.
    private static readonly TimeSpan ProxyHeaderTimeout = TimeSpan.FromSeconds(5);

    private readonly IReadOnlyList<System.Net.IPNetwork> _proxies =
        AddressListAttribute.TryParse(options.Value.TrustedProxies, out var proxies) ? proxies : [];

    private readonly CancellationTokenSource _stopped = new();

    // Shared by every connection: what a sender may have in flight before it waits for its own lines, and how long
    // a recipient's congestion holds its senders back.
    private readonly StorePacing _pacing = new(commands, Math.Min(options.Value.MaxQueuedMessagesPerClient / 4, options.Value.MaxQueuedBytesPerClient / 4 / 256));
    private readonly Backpressure _backpressure = new(TimeSpan.FromSeconds(options.Value.SlowClientGraceSeconds), clock);

    private readonly ConcurrentDictionary<long, (ClientConnection Connection, Task Running)> _live = new();

    // Connections from a balancer still reading their PROXY header: shutdown waits for them (cancelled, they end at
    // once) before it takes the connections to close, so none is admitted behind its back.
    private readonly ConcurrentDictionary<Task, byte> _headers = new();
    private long _lastId;
    private volatile bool _stopping;

    public int Count => _live.Count;

    // The connections open now (a snapshot as it is enumerated).
    public IEnumerable<ClientConnection> Connections => _live.Values.Select(entry => entry.Connection);

    // Takes a connection from a listener on port.
    public void Accept(Socket socket, ListenerPort port)
    {
        socket.NoDelay = true;
        var peer = ConnectionAdmission.AddressOf(socket.RemoteEndPoint);
        if (_proxies.Count > 0 && _proxies.Any(network => network.Contains(peer)))
        {
            var reading = AcceptFromProxyAsync(socket, peer, port);
            if (_headers.TryAdd(reading, 0))
            {
                _ = reading.ContinueWith(done => _headers.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }

            return;
        }

        _ = Admit(socket, null, peer, EndPointFormat.Format(socket.RemoteEndPoint), port);
    }

    // The client is the one the load balancer's header names (the balancer itself when it speaks for itself: a check).
    private async Task AcceptFromProxyAsync(Socket socket, System.Net.IPAddress proxy, ListenerPort port)
    {
        System.Net.IPEndPoint? client;
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stopped.Token);
            timeout.CancelAfter(ProxyHeaderTimeout);
            client = await ProxyHeader.ReadAsync(socket, timeout.Token);
        }
        catch (Exception ex) when (ex is InvalidDataException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            Refuse(socket, ex is OperationCanceledException ? "no PROXY protocol header in time" : ex.Message, port);
            return;
        }

        var remote = EndPointFormat.Format(client ?? socket.RemoteEndPoint);
        ServerLog.ConnectionThroughProxy(logger, remote, EndPointFormat.Format(socket.RemoteEndPoint));
        _ = Admit(socket, null, client is null ? proxy : ConnectionAdmission.AddressOf(client), remote, port);
    }

    // Takes a browser's WebSocket (/ws) as a connection speaking JSON lines, under the same limits as a
    // socket's; completes when it has ended (the request serving it must last as long). A refused one is told why.
    // Its TCP connection was counted when the web port accepted it; a WebSocket through a trusted balancer is counted
    // again by the client's forwarded address (forwarded), towards that address's limit only.
    public async Task AcceptWebSocketAsync(System.Net.WebSockets.WebSocket webSocket, ListenerPort port, System.Net.IPAddress address, string remote, bool forwarded)
    {
        var web = new WebSocketTransport(webSocket, port.Open().MaxLineBytes);
        if (Admit(null, web, address, remote, port, forwarded ? address : null, total: false) is not { } running)
        {
            await using (web)
            {
                try
                {
                    await web.Output.WriteAsync(new EncodedEvent(new ErrorEvent(Protocol.ErrorCodes.Refused, web.Refusal ?? "refused")).For(Protocol.Encoders.WireMode.Json));
                    web.EndOfMessage();
                    await web.Output.FlushAsync();
                }
                catch (IOException)
                {
                    // The browser is gone already.
                }

                await web.CloseAsync(CancellationToken.None);
            }

            return;
        }

        await running;
    }

    private Task? Admit(Socket? socket, WebSocketTransport? web, System.Net.IPAddress address, string remote, ListenerPort port) =>
        Admit(socket, web, address, remote, port, address, total: true);

    private Task? Admit(Socket? socket, WebSocketTransport? web, System.Net.IPAddress address, string remote, ListenerPort port, System.Net.IPAddress? counted, bool total)
    {
        var settings = options.Value;
        if (admission.TryAdmit(counted, total) is { } refusal)
        {
            if (socket is not null)
            {
                Refuse(socket, refusal, port, remote);
            }
            else
            {
                RefuseWeb(web!, refusal, remote);
            }

            return null;
        }

        var exempt = ConnectionAdmission.IsExempt(address, settings.Limits);
        var session = new ChatSession(
            Interlocked.Increment(ref _lastId),
            address,
            remote,
            new OutboundQueue(settings.MaxQueuedMessagesPerClient, settings.MaxQueuedBytesPerClient))
        {
            Rate = exempt || settings.Limits.MessagesPerSecond == 0 ? null : new SendRate(settings.Limits.MessagesPerSecond, settings.Limits.Burst),
            Protocol = port.Open(),
            Socket = socket,
            Web = web is not null,
            Mode = port.Mode,
        };
        var gate = tls.Enabled && port.Tls ? tls : null;
        var connection = new ClientConnection(
            session,
            web is not null
                ? _ => Task.FromResult<Transport?>(web)
                : aborted => SocketTransports.OpenAsync(socket!, gate, port.TlsOnly, address, remote, aborted),
            commands,
            metrics,
            new FloodGate(
                floodControl,
                session.Id,
                exempt,
                TimeSpan.FromSeconds(settings.Limits.FloodTimeoutSeconds),
                clock,
                metrics),
            settings.Limits.IdleTimeoutSeconds > 0 ? new IdleWatch(TimeSpan.FromSeconds(settings.Limits.IdleTimeoutSeconds), clock) : null,
            _pacing,
            _backpressure,
            // IRC registers (NICK, USER, CAP END) whether or not there are accounts; either way within the login timeout.
            settings.Auth.Mode == AuthMode.Password || session.Protocol.RegistersItself ? TimeSpan.FromSeconds(settings.Auth.LoginTimeoutSeconds) : TimeSpan.Zero,
            TimeSpan.FromSeconds(settings.ShutdownGraceSeconds),
            logger);
        metrics.Connected();
        // The connection starts only once it is tracked, so its own removal can never come first.
        var tracked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = RunAsync(connection, counted, total, tracked.Task);
        _live.TryAdd(session.Id, (connection, running));
        tracked.SetResult();

        if (_stopping)
        {
            connection.BeginShutdown();
        }

        return running;
    }

    // A browser is told in JSON, as it reads (an error event, sent by the caller), then the WebSocket closes.
    private void RefuseWeb(WebSocketTransport web, string reason, string remote)
    {
        web.Refusal = reason;
        metrics.Refused();
        ServerLog.ConnectionRefused(logger, remote, reason);
    }

    // Tells every client the server is stopping, waits up to the grace period for queues to flush, then closes.
    public async Task ShutdownAsync(CancellationToken cancellationToken)
    {
        _stopping = true;
        await _stopped.CancelAsync();
        await Task.WhenAll(_headers.Keys).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        var live = _live.Values.ToArray();
        ServerLog.ShuttingDown(logger, live.Length);
        foreach (var (connection, _) in live)
        {
            connection.BeginShutdown();
        }

        var all = Task.WhenAll(live.Select(entry => entry.Running));
        try
        {
            await all.WaitAsync(TimeSpan.FromSeconds(options.Value.ShutdownGraceSeconds), cancellationToken);
        }
        catch (Exception ex) when (ex is TimeoutException or OperationCanceledException)
        {
            foreach (var (connection, _) in live)
            {
                connection.Session.Abort(ChatSession.ShutdownReason);
            }

            // An aborted connection is reset without waiting on its peer, so this ends at once; the bound is there so
            // that shutdown finishes whatever happens (the process ends and takes any such connection with it).
            await all.WaitAsync(AbortedCloseLimit, cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (!all.IsCompleted)
            {
                ServerLog.ConnectionsAbandoned(logger, live.Count(entry => !entry.Running.IsCompleted));
            }
        }
    }

    public void Dispose() => _stopped.Dispose();

    // One line saying why, then close. A new socket's send buffer is empty, so this small write never blocks.
    private void Refuse(Socket socket, string reason, ListenerPort port, string? remote = null)
    {
        remote ??= EndPointFormat.Format(socket.RemoteEndPoint);

        // Counted and logged before the peer is told: whoever sees the refusal can find it in the log.
        metrics.Refused();
        ServerLog.ConnectionRefused(logger, remote, reason);
        try
        {
            // A client that must speak TLS cannot read a plaintext line; it sees the connection close.
            if (!port.TlsOnly)
            {
                socket.Send(System.Text.Encoding.UTF8.GetBytes(port.Open().Refusal(reason)), SocketFlags.None, out _);
            }

            socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Gone already.
        }
        finally
        {
            socket.Dispose();
        }
    }

    private async Task RunAsync(ClientConnection connection, System.Net.IPAddress? counted, bool total, Task tracked)
    {
        await tracked;

        // Not held while the connection runs.
        tracked = Task.CompletedTask;
        try
        {
            await connection.RunAsync();
        }
        catch (Exception ex)
        {
            // A connection's failure ends that connection only.
            ServerLog.ConnectionFaulted(logger, connection.Session.Nick, ex);
        }
        finally
        {
            admission.Release(counted, total);
            metrics.Disconnected();
            _live.TryRemove(connection.Session.Id, out _);
        }
    }
}
