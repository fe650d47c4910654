using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Logging;
using SocketChat.Server.Supervision;

namespace SocketChat.Server.Listening;

// Accepts connections on Chat:Host/Chat:Port (and Chat:Irc:Port) and hands them to the tracker.
internal sealed class ChatServerService(
    IOptions<ChatOptions> options,
    ConnectionTracker connections,
    ListenerPorts ports,
    Accounts.AccountStore accounts,
    IServiceProvider services,
    ILogger<ChatServerService> logger) : BackgroundService
{
    private IReadOnlyList<Socket> _listeners = [];
    private IReadOnlyList<Socket> _ircListeners = [];
    private IReadOnlyList<Socket> _ircTlsListeners = [];

    // The endpoints actually bound (port 0 resolved), available once the host has started.
    public IReadOnlyList<IPEndPoint> EndPoints { get; private set; } = [];

    // The IRC listener's endpoints; empty when IRC is off.
    public IReadOnlyList<IPEndPoint> IrcEndPoints { get; private set; } = [];

    // The IRC-over-TLS listener's endpoints; empty when it is off.
    public IReadOnlyList<IPEndPoint> IrcTlsEndPoints { get; private set; } = [];

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Bind before the host counts as started: ExecuteAsync runs on a background thread in .NET 10.
        var settings = options.Value;
        _listeners = ListenerBinder.Bind(settings.Host, settings.Port, settings.ListenBacklog);
        EndPoints = _listeners.Select(listener => (IPEndPoint)listener.LocalEndPoint!).ToArray();
        foreach (var endPoint in EndPoints)
        {
            ServerLog.Listening(logger, endPoint.ToString());
        }

        _ircListeners = BindIrc(settings, settings.Irc.Port, tls: false);
        IrcEndPoints = _ircListeners.Select(listener => (IPEndPoint)listener.LocalEndPoint!).ToArray();
        _ircTlsListeners = BindIrc(settings, settings.Irc.TlsPort, tls: true);
        IrcTlsEndPoints = _ircTlsListeners.Select(listener => (IPEndPoint)listener.LocalEndPoint!).ToArray();

        // Every listener is bound (the web port's too): what the process holds now is what connections add to.
        DescriptorBudget.Check(settings);
        Summarise(settings);
        return base.StartAsync(cancellationToken);
    }

    // Where things are and what is on, for whoever started it; and a word when anyone anywhere can walk in.
    private void Summarise(ChatOptions settings)
    {
        var data = settings.Storage.Provider == StorageProvider.Redis
            ? $"Redis at {settings.Storage.Redis.Split(',')[0]} (accounts and certificate files in {ServerPaths.DataDirectory(settings)})"
            : ServerPaths.DataDirectory(settings);
        var log = services.GetService(typeof(LogDestination)) is LogDestination destination ? destination.Description : "the host's logging";
        var tls = settings.Tls.Enabled ? (settings.Tls.PlaintextRefused ? "on, required" : "on, plaintext allowed") : "off";
        var required = accounts.Required ? $"required ({accounts.Count} in {accounts.Path})" : "off (anyone may pick a nickname)";
        ServerLog.Summary(logger, data, log, tls, required);
        List<string> summary = [$"Data: {data}", $"Log: {log}", $"TLS: {tls}; accounts: {required}"];
        var everywhere = EndPoints.Any(endPoint => endPoint.Address.Equals(IPAddress.Any) || endPoint.Address.Equals(IPAddress.IPv6Any));
        if (everywhere && !accounts.Required)
        {
            ServerLog.OpenToEveryone(logger, EndPoints[0].Port);
            summary.Add($"Warning: listening on every interface with no accounts: anyone who can reach port {EndPoints[0].Port} can chat here");
        }

        Summary = summary;
    }

    // What the server said at start of where its files are and what is on, for the operator console.
    public IReadOnlyList<string> Summary { get; private set; } = [];

    private IReadOnlyList<Socket> BindIrc(ChatOptions settings, int? port, bool tls)
    {
        if (port is null)
        {
            return [];
        }

        IReadOnlyList<Socket> bound;
        try
        {
            bound = ListenerBinder.Bind(settings.Host, port.Value, settings.ListenBacklog);
        }
        catch
        {
            _listeners.Concat(_ircListeners).ToList().ForEach(listener => listener.Dispose());
            throw;
        }

        foreach (var listener in bound)
        {
            ServerLog.IrcListening(logger, listener.LocalEndPoint!.ToString()!, tls ? "TLS" : "plaintext");
        }

        return bound;
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Unbind first so no connection arrives while the others are told to leave.
        foreach (var listener in _listeners.Concat(_ircListeners).Concat(_ircTlsListeners))
        {
            listener.Dispose();
        }

        await base.StopAsync(cancellationToken);
        await connections.ShutdownAsync(cancellationToken);
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        _listeners.Select(listener => AcceptLoopAsync(listener, ports.Chat, stoppingToken))
            .Concat(_ircListeners.Select(listener => AcceptLoopAsync(listener, ports.Irc, stoppingToken)))
            .Concat(_ircTlsListeners.Select(listener => AcceptLoopAsync(listener, ports.IrcTls, stoppingToken))));

    private async Task AcceptLoopAsync(Socket listener, ListenerPort port, CancellationToken stoppingToken)
    {
        var failures = new FailureRun(TimeProvider.System);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                connections.Accept(await listener.AcceptAsync(stoppingToken), port);
                failures.Recovered();
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (ObjectDisposedException)
            {
                return;
            }
            catch (SocketException ex) when (ex.SocketErrorCode == SocketError.OperationAborted)
            {
                return;
            }
            catch (SocketException ex)
            {
                // For example out of file descriptors: log (once, then a line a minute), pause briefly so the loop
                // does not spin, go on.
                failures.Report(ex, failed => ServerLog.AcceptFailed(logger, failed), (count, reason) => ServerLog.BackgroundStillFailing(logger, "Accepting connections", count, reason));
                await Task.Delay(TimeSpan.FromMilliseconds(50), stoppingToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }
    }
}
