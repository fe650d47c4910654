using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Prometheus;
using SocketChat.Server.Configuration;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Web;

// Chat:Metrics:Port: the SocketChat.Server meter at /metrics in Prometheus's text format, every series labelled
// socketchat_node with this node's name. prometheus-net's MeterAdapter turns the meter's instruments into
// Prometheus metrics in a registry of this host's own (never the process-wide default, so two servers in one
// process stay apart); Kestrel serves it, as it serves the web client, in a small web application of its own.
internal sealed class MetricsListener(IOptions<ChatOptions> options, ServerMetrics metrics, ILoggerFactory loggerFactory, ILogger<MetricsListener> logger)
    : IHostedService, IAsyncDisposable
{
    public const string NodeLabel = "socketchat_node";

    private WebApplication? _web;
    private IDisposable? _adapter;

    // Where /metrics is served once started (http://127.0.0.1:PORT/metrics); null when off.
    public Uri? Url { get; private set; }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Metrics.Port is not { } port)
        {
            return;
        }

        var registry = Metrics.NewCustomRegistry();
        registry.SetStaticLabels(new Dictionary<string, string> { [NodeLabel] = metrics.Node });

        // Its factory: the options' default is the process-wide one, which would publish beside the registry.
        _adapter = MeterAdapter.StartListening(new MeterAdapterOptions
        {
            Registry = registry,
            MetricFactory = Metrics.WithCustomRegistry(registry),
            InstrumentFilterPredicate = instrument => ReferenceEquals(instrument.Meter, metrics.Meter),
        });

        var builder = WebListener.SlimBuilder(loggerFactory);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.KeepAliveTimeout = WebListener.RequestTimeout;
            kestrel.Limits.RequestHeadersTimeout = WebListener.RequestTimeout;
            kestrel.Listen(WebListener.Address(settings.Host), port);
        });
        _web = builder.Build();
        _web.MapGet("/metrics", async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await registry.CollectAndExportAsTextAsync(context.Response.Body, context.RequestAborted);
        });
        try
        {
            await _web.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            throw new Listening.ListenException($"cannot listen for metrics on {settings.Host}: {ex.Message}", ex);
        }

        var address = new Uri(_web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        Url = new Uri(address, "/metrics");
        ServerLog.MetricsListening(logger, Url.ToString());
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
        _adapter?.Dispose();
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
    }
}
