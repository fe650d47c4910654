using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;
using SocketChat.Server.Tls;

namespace SocketChat.Server.Web;

/// <summary>
/// <c>Chat:Web</c>: Kestrel, inside this host, serving the browser client's page and its WebSocket (<see cref="WebApp"/>)
/// on <c>Chat:Host</c>, over HTTP and, with a certificate, HTTPS (the chat port's certificate and its reloads).
/// Registered before the chat listener so it stops after it: the chat's shutdown tells the browsers first.
/// </summary>
internal sealed class WebListener(
    IOptions<ChatOptions> options,
    IServiceProvider services,
    CertificateStore certificates,
    WebApp app,
    ILoggerFactory loggerFactory,
    ILogger<WebListener> logger) : IHostedService, IAsyncDisposable
{
    private KestrelServer? _server;

    /// <summary>Where it listens once started (<c>http://127.0.0.1:PORT</c>, then the HTTPS one); empty when off.</summary>
    public IReadOnlyList<Uri> Urls { get; private set; } = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Web.Port is null && settings.Web.TlsPort is null)
        {
            return;
        }

        var kestrel = new KestrelServerOptions { ApplicationServices = services, AddServerHeader = false };
        kestrel.Limits.MaxRequestBodySize = 16 * 1024;
        kestrel.Limits.MaxRequestHeadersTotalSize = 16 * 1024;
        var address = Address(settings.Host);
        if (settings.Web.Port is { } port)
        {
            kestrel.Listen(address, port);
        }

        if (settings.Web.TlsPort is { } tlsPort)
        {
            // The certificate is asked for per connection, so a reloaded one is used from the next connection on.
            kestrel.Listen(address, tlsPort, listen => listen.UseHttps(new TlsHandshakeCallbackOptions
            {
                OnConnection = _ => ValueTask.FromResult(new System.Net.Security.SslServerAuthenticationOptions
                {
                    ServerCertificateContext = certificates.Current,
                }),
            }));
        }

        _server = new KestrelServer(
            Options.Create(kestrel),
            new SocketTransportFactory(Options.Create(new SocketTransportOptions()), loggerFactory),
            loggerFactory);
        try
        {
            await _server.StartAsync(new Application(app.Build(services)), cancellationToken);
        }
        catch (IOException ex)
        {
            throw new Listening.ListenException($"cannot listen for the web client on {settings.Host}: {ex.Message}", ex);
        }

        Urls = [.. _server.Features.Get<IServerAddressesFeature>()!.Addresses.Select(url => new Uri(url))];
        foreach (var url in Urls)
        {
            ServerLog.WebListening(logger, url.ToString());
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_server is not null)
        {
            await _server.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.StopAsync(CancellationToken.None);
            _server.Dispose();
        }
    }

    // Chat:Host as Kestrel takes it: * for every address, an address, or a name's first address.
    private static IPAddress Address(string host) =>
        host is "*" or "" ? IPAddress.IPv6Any
        : IPAddress.TryParse(host, out var address) ? address
        : Dns.GetHostAddresses(host) is [var first, ..] ? first
        : throw new Listening.ListenException($"cannot listen on {host}: it resolves to no address", new ArgumentException(host));

    // The request pipeline as Kestrel runs it: a plain HttpContext per request.
    private sealed class Application(RequestDelegate pipeline) : IHttpApplication<HttpContext>
    {
        public HttpContext CreateContext(IFeatureCollection contextFeatures) => new DefaultHttpContext(contextFeatures);

        public Task ProcessRequestAsync(HttpContext context) => pipeline(context);

        public void DisposeContext(HttpContext context, Exception? exception)
        {
        }
    }
}
