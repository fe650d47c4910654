using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serilog;
using SocketChat.Server;
using SocketChat.Server.Listening;

namespace SocketChat.TestSupport;

// The real server host on 127.0.0.1 port 0, with in-memory configuration and log.
public sealed class TestServer : IAsyncDisposable
{
    private readonly TempDirectory? _data;

    private TestServer(IHost host, TestConsoleBridge console, InMemorySink log, TempDirectory? data)
    {
        Host = host;
        Console = console;
        Log = log;
        _data = data;
    }

    public IHost Host { get; }

    public TestConsoleBridge Console { get; }

    public InMemorySink Log { get; }

    public int Port => Host.Services.GetRequiredService<ChatServerService>().EndPoints[0].Port;

    public static async Task<TestServer> StartAsync(Dictionary<string, string?>? settings = null, TestConsoleBridge? console = null) =>
        await StartAsync(settings, more: null, console);

    // Starts with settings, then more on top (a test's own on a fixture's).
    public static Task<TestServer> StartAsync(Dictionary<string, string?>? settings, Dictionary<string, string?>? more, TestConsoleBridge? console = null) =>
        StartAsync(settings, more, console, services: null);

    // Starts with settings, the server's services changed by services (a store that fails on demand).
    public static Task<TestServer> StartAsync(Dictionary<string, string?>? settings, Action<IServiceCollection> services) =>
        StartAsync(settings, more: null, console: null, services);

    private static async Task<TestServer> StartAsync(Dictionary<string, string?>? settings, Dictionary<string, string?>? more, TestConsoleBridge? console, Action<IServiceCollection>? services)
    {
        var merged = new Dictionary<string, string?>(settings ?? []);
        foreach (var (key, value) in more ?? [])
        {
            merged[key] = value;
        }

        // Each server its own store, unless the test says where.
        var data = merged.ContainsKey("Chat:DataDirectory") ? null : new TempDirectory();
        if (data is not null)
        {
            merged["Chat:DataDirectory"] = data.Path;
        }

        var host = Build(merged, console ??= new TestConsoleBridge(isTerminal: false), out var log, services);
        try
        {
            await host.StartAsync().WaitAsync(TestTimeouts.Default);
        }
        catch
        {
            host.Dispose();
            data?.Dispose();
            throw;
        }

        return new TestServer(host, console, log, data);
    }

    public static IHost Build(Dictionary<string, string?>? settings, TestConsoleBridge console, out InMemorySink log, Action<IServiceCollection>? services = null)
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Host"] = "127.0.0.1",
            ["Chat:Port"] = "0",
            ["Chat:OperatorConsole"] = "Off",
            ["Chat:ShutdownGraceSeconds"] = "2",
        });
        configuration.AddInMemoryCollection(settings ?? []);
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Configuration = configuration });
        builder.Services.AddChatServer(console);
        services?.Invoke(builder.Services);
        var sink = log = new InMemorySink();
        // preserveStaticLogger: each test host keeps its own logger; the static one is shared by tests running in parallel.
        builder.Services.AddSerilog(logger => logger.MinimumLevel.Debug().Enrich.FromLogContext().WriteTo.Sink(sink), preserveStaticLogger: true);
        return builder.Build();
    }

    // The settings for TLS with these files, keeping other files in dataDirectory.
    public static Dictionary<string, string?> TlsSettings(string dataDirectory, string certificatePath, string? keyPath) => new()
    {
        ["Chat:DataDirectory"] = dataDirectory,
        ["Chat:Tls:CertificatePath"] = certificatePath,
        ["Chat:Tls:KeyPath"] = keyPath,
    };

    public Task<TestClient> ConnectAsync() => TestClient.ConnectAsync(Port);

    // The IRC listener's port (with Chat:Irc:Port set).
    public int IrcPort => Host.Services.GetRequiredService<ChatServerService>().IrcEndPoints[0].Port;

    // The web client's address (with Chat:Web:Port set): http://127.0.0.1:PORT/.
    public Uri WebUrl => Host.Services.GetRequiredService<SocketChat.Server.Web.WebListener>().Urls[0];

    // The IRC-over-TLS listener's port (with Chat:Irc:TlsPort set).
    public int IrcTlsPort => Host.Services.GetRequiredService<ChatServerService>().IrcTlsEndPoints[0].Port;

    // Connects to the IRC listener, registers as nick (requesting capabilities),
    // reads up to the end of the MOTD, then joins join (when not null) and reads up to the end of its NAMES.
    public async Task<TestClient> ConnectIrcAsync(string nick, string capabilities = "", string? join = "#lobby")
    {
        var client = await TestClient.ConnectAsync(IrcPort);
        if (capabilities.Length > 0)
        {
            await client.SendAsync($"CAP REQ :{capabilities}");
            await client.ExpectAsync(line => line.Contains(" CAP * ACK ", StringComparison.Ordinal));
        }

        await client.SendAsync($"NICK {nick}");
        await client.SendAsync($"USER {nick} 0 * :{nick}");
        if (capabilities.Length > 0)
        {
            await client.SendAsync("CAP END");
        }

        await client.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
        if (join is not null)
        {
            await client.SendAsync($"JOIN {join}");
            await client.ExpectAsync(line => line.Contains(" 366 ", StringComparison.Ordinal));
        }

        return client;
    }

    // Waits until a room message with this text is stored and delivered, which is when it is logged.
    public Task WaitUntilStoredAsync(string text) =>
        Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Message {MessageId}", StringComparison.Ordinal) && e.RenderMessage().EndsWith($": \"{text}\"", StringComparison.Ordinal));

    // Connects and reads the welcome line; returns the client and its guest nickname.
    public async Task<TestClient> ConnectAsAsync(string nick)
    {
        var client = await ConnectAsync();
        await client.ReadLineAsync();
        await client.SendAsync($"/nick {nick}");
        await client.ExpectAsync(line => line.EndsWith($"is now known as {nick}", StringComparison.Ordinal));
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        await Host.StopAsync().WaitAsync(TestTimeouts.Default);
        Host.Dispose();
        _data?.Dispose();
    }
}
