using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Infrastructure;

// The real client host, its console a pair of channels, talking to a server on a loopback port.
internal sealed class ClientHarness : IAsyncDisposable
{
    private ClientHarness(IHost host, TestConsoleBridge console, InMemorySink log)
    {
        Host = host;
        Console = console;
        Log = log;
    }

    public InMemorySink Log { get; }

    public IHost Host { get; }

    public TestConsoleBridge Console { get; }

    public ClientExit Exit => Host.Services.GetRequiredService<ClientExit>();

    public static async Task<ClientHarness> StartAsync(int port, Dictionary<string, string?>? settings = null)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Host"] = "127.0.0.1",
            ["Chat:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Chat:Nick"] = "alice",

            // Each its own device, and nothing kept in the user's state directory.
            ["Chat:Device"] = $"test-{Guid.NewGuid():N}"[..16],
            ["Chat:Reconnect:FirstDelaySeconds"] = "0.05",
            ["Chat:Reconnect:MaxDelaySeconds"] = "0.2",
        });
        configuration.AddInMemoryCollection(settings ?? []);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Configuration = configuration });
        var console = new TestConsoleBridge(isTerminal: false);
        builder.Services.AddChatClient(console);
        var log = new InMemorySink();
        builder.Services.AddSerilog(logger => logger.WriteTo.Sink(log), preserveStaticLogger: true);
        var host = builder.Build();
        await host.StartAsync().WaitAsync(TestTimeouts.Default);
        return new ClientHarness(host, console, log);
    }

    public ValueTask TypeAsync(string line) => Console.Typed.WriteAsync(line);

    public async Task WaitForStopAsync()
    {
        var lifetime = Host.Services.GetRequiredService<IHostApplicationLifetime>();
        var stopping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var registration = lifetime.ApplicationStopping.Register(() => stopping.TrySetResult());
        await stopping.Task.WaitAsync(TestTimeouts.Default);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync().WaitAsync(TestTimeouts.Default);
        Host.Dispose();
    }
}
