using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Connections;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Logging;
using SocketChat.Server.Tls;

namespace SocketChat.Server.Web;

// Chat:Web: Kestrel serving the browser client's page and its WebSocket (WebApp) on
// Chat:Host, over HTTP and, with a certificate, HTTPS (the chat port's certificate and its reloads). Kestrel
// runs in a minimal web application this hosted service starts and stops: it needs services only a web host
// registers (its HTTPS among them), while its lifetime, logging and the connections it serves stay this host's.
// Registered before the chat listener so it stops after it: the chat's shutdown tells the browsers first.
internal sealed class WebListener(
    IOptions<ChatOptions> options,
    CertificateStore certificates,
    WebApp app,
    ConnectionAdmission admission,
    ILoggerFactory loggerFactory,
    ILogger<WebListener> logger) : IHostedService, IAsyncDisposable
{
    // How long a connection may wait before its request is complete, and between requests.
    public static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(5);

    // Refused connections read for a moment after their answer (below), at most this many at once: a flood of them
    // must not hold the descriptors the refusal is there to save.
    private const int MaxLingering = 64;

    private int _lingering;

    private WebApplication? _web;

    // Where it listens once started (http://127.0.0.1:PORT, then the HTTPS one); empty when off.
    public IReadOnlyList<Uri> Urls { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Web.Port is null && settings.Web.TlsPort is null)
        {
            return;
        }

        // Kestrel with its own small service container (what HTTPS and WebSockets need), configured here alone: it
        // reads no settings files or environment of its own, logs through this host's logging, and hands every
        // request to WebApp, whose services are this host's.
        var builder = SlimBuilder(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 16 * 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;

            // An idle connection holds a descriptor: one that sends no complete request in a few seconds, or waits
            // that long for its next, is closed (Kestrel's defaults, 30 s and 130 s, let one address hold thousands).
            kestrel.Limits.KeepAliveTimeout = RequestTimeout;
            kestrel.Limits.RequestHeadersTimeout = RequestTimeout;
            var address = Address(settings.Host);
            if (settings.Web.Port is { } port)
            {
                kestrel.Listen(address, port, listen => listen.Use(next => AdmitAsync(next, tls: false)));
            }

            if (settings.Web.TlsPort is { } tlsPort)
            {
                // The certificate is asked for per connection, so a reloaded one is used from the next connection on.
                kestrel.Listen(address, tlsPort, listen =>
                {
                    // Counted before the handshake, so a connection that never completes one holds no place for long.
                    listen.Use(next => AdmitAsync(next, tls: true));
                    listen.UseHttps(new TlsHandshakeCallbackOptions
                    {
                        OnConnection = _ => ValueTask.FromResult(new System.Net.Security.SslServerAuthenticationOptions
                        {
                            ServerCertificateContext = certificates.Current,
                        }),
                        HandshakeTimeout = RequestTimeout,
                    });
                });
            }
        });
        _web = builder.Build();
        app.Configure(_web);
        try
        {
            await _web.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new Listening.ListenException($"cannot listen for the web client on {settings.Host}: {ex.Message}", ex);
        }

        Urls = [.. _web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Select(url => new Uri(url))];
        foreach (var url in Urls)
        {
            ServerLog.WebListening(logger, url.ToString());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_web is not null)
        {
            await _web.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
    }

    // Every TCP connection to the web port counts under the chat's connection limits from the moment it is accepted,
    // not only once it becomes a WebSocket: over a limit it is told so (503, plain HTTP only) and closed at once.
    private ConnectionDelegate AdmitAsync(ConnectionDelegate next, bool tls) => async connection =>
    {
        var peer = ConnectionAdmission.AddressOf(connection.RemoteEndPoint);
        var counted = app.IsTrustedProxy(peer) ? null : peer;
        if (admission.TryAdmit(counted) is { } refusal)
        {
            ServerLog.ConnectionRefused(logger, EndPointFormat.Format(connection.RemoteEndPoint), refusal);
            if (!tls)
            {
                var body = System.Text.Encoding.UTF8.GetBytes(refusal + "\n");
                var head = System.Text.Encoding.ASCII.GetBytes($"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {body.Length}\r\n\r\n");
                await connection.Transport.Output.WriteAsync((byte[])[.. head, .. body]);
                await connection.Transport.Output.CompleteAsync();

                // Closing with its request unread would reset the connection, and the answer with it: what it sent
                // is read and dropped until it closes too, for a moment at most, while few are doing so.
                if (Interlocked.Increment(ref _lingering) > MaxLingering)
                {
                    Interlocked.Decrement(ref _lingering);
                    return;
                }

                using var linger = new CancellationTokenSource(TimeSpan.FromSeconds(1));
                try
                {
                    var input = connection.Transport.Input;
                    while (true)
                    {
                        var read = await input.ReadAsync(linger.Token);
                        input.AdvanceTo(read.Buffer.End);
                        if (read.IsCompleted)
                        {
                            break;
                        }
                    }
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or ConnectionResetException)
                {
                    // It did not close in time, or reset: either way it has been told.
                }
                finally
                {
                    Interlocked.Decrement(ref _lingering);
                }

                // Returning closes it, after what was written has gone out.
                return;
            }

            connection.Abort();
            return;
        }

        try
        {
            await next(connection);
        }
        finally
        {
            admission.Release(counted);
        }
    };

    // A web application reading no settings files or environment of its own, logging through this host's logging,
    // started and stopped when told (signals and systemd are this host's business). The metrics endpoint's too.
    internal static WebApplicationBuilder SlimBuilder(ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton<ILoggerFactory>(new WebLoggerFactory(loggerFactory));
        builder.Services.AddSingleton<IHostLifetime, ToldLifetime>();
        return builder;
    }

    // Chat:Host as Kestrel takes it: * for every address, an address, or a name's first address.
    internal static IPAddress Address(string host) =>
        host is "*" or "" ? IPAddress.IPv6Any
        : IPAddress.TryParse(host, out var address) ? address
        : Dns.GetHostAddresses(host) is [var first, ..] ? first
        : throw new Listening.ListenException($"cannot listen on {host}: it resolves to no address", new ArgumentException(host));

    private sealed class ToldLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    // This host's logging, less the web application's own lifetime lines ("Now listening on"): it says where it
    // listens once, as "Web client on".
    private sealed class WebLoggerFactory(ILoggerFactory inner) : ILoggerFactory
    {
        public ILogger CreateLogger(string categoryName) =>
            categoryName == "Microsoft.Hosting.Lifetime" ? Microsoft.Extensions.Logging.Abstractions.NullLogger.Instance : inner.CreateLogger(categoryName);

        public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

        public void Dispose()
        {
            // The host's factory is the host's to dispose.
        }
    }
}
