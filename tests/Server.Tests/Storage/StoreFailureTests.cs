using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SocketChat.Server.Probe;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Storage;

// A store that stops taking messages (a full disk): who is told, what waits, and how the server stops.
public sealed class StoreFailureTests
{
    private const string Delayed = "* messages are delayed: the server cannot store them right now";
    private const string Recovered = "* messages are no longer delayed: the server can store them again";

    [Fact]
    public async Task StoreFailing_EveryoneToldOnceThenWhenItRecovers_ProbeUnhealthy_HeldMessageDeliveredAfter()
    {
        FaultyStore? store = null;
        await using var server = await TestServer.StartAsync([], services => services.AddSingleton<IMessageStore>(provider =>
            store = new FaultyStore(new MemoryMessageStore(100))));
        await using var alice = await JsonModeTests.ConnectJsonAsync(server, "alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line.Contains("\"nick\":\"bob\",\"action\":\"rename\"", StringComparison.Ordinal));

        store!.Failing = true;
        await alice.SendAsync("""{"type":"message","cid":"m1","text":"is anyone there?"}""");

        Assert.Equal("""{"type":"notice","code":"store_failing","text":"messages are delayed: the server cannot store them right now"}""", await alice.ReadLineAsync());
        Assert.Equal(Delayed, await bob.ReadLineAsync());

        // Retried every second meanwhile, but told once, and logged once with its exception (not a stack a second);
        // a ping and the probe say what is wrong.
        await store.ThirdFailure.WaitAsync(TestTimeouts.Default);
        var failed = Assert.Single(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Could not store", StringComparison.Ordinal));
        Assert.Equal("No space left on device", failed.Exception?.Message);
        Assert.DoesNotContain(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Still cannot store", StringComparison.Ordinal));
        await bob.SendAsync("/ping");
        Assert.Matches(@"^\* pong; unhealthy: cannot store messages since \d\d:\d\d:\d\d UTC \(1 waiting\): No space left on device$", await bob.ReadLineAsync());
        var probe = new StringWriter();
        var healthy = await HealthProbe.RunAsync(ProbeSettings(server.Port), probe);
        Assert.Equal(1, healthy);
        Assert.Matches(@"^unhealthy: 127\.0\.0\.1:\d+ answered in \d+ ms but cannot store messages since .*: No space left on device\r?\n$", probe.ToString());

        store.Failing = false;

        // The notice and what was held back come on their own paths: in either order, each once.
        Assert.Equal([Recovered, "alice: is anyone there?"], (await bob.ReadLinesAsync(2)).Order(StringComparer.Ordinal));
        var answers = (await alice.ReadLinesAsync(2)).Order(StringComparer.Ordinal).ToArray();
        Assert.StartsWith("""{"type":"ack","cid":"m1","id":1,""", answers[0], StringComparison.Ordinal);
        Assert.Equal("""{"type":"notice","code":"store_recovered","text":"messages are no longer delayed: the server can store them again"}""", answers[1]);
        Assert.Equal(0, await HealthProbe.RunAsync(ProbeSettings(server.Port), new StringWriter()));
    }

    // Finding 14: /health on the public web port told anyone the store's address and raw exception text.
    [Theory]
    [InlineData("Loopback", "messages cannot be stored right now")]
    [InlineData("Anyone", "cannot store messages since")]
    public async Task StoreFailing_AClientFromElsewhere_ToldInAFewWordsUnlessHealthDetailIsAnyone(string detail, string told)
    {
        FaultyStore? store = null;
        await using var server = await TestServer.StartAsync(
            new() { ["Chat:TrustedProxies"] = "127.0.0.1", ["Chat:Web:Port"] = "0", ["Chat:HealthDetail"] = detail },
            services => services.AddSingleton<IMessageStore>(provider => store = new FaultyStore(new MemoryMessageStore(100))));

        // Through a trusted balancer from 203.0.113.7: the chat port's pong and the web port's /health.
        await using var sender = await ConnectThroughBalancerAsync(server, 40000);
        await using var remote = await ConnectThroughBalancerAsync(server, 40001);
        store!.Failing = true;
        await sender.SendAsync("held");
        await remote.ExpectAsync(line => line == Delayed);
        await remote.SendAsync("/ping");
        Assert.StartsWith($"* pong; unhealthy: {told}", await remote.ReadLineAsync(), StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = server.WebUrl, Timeout = TestTimeouts.Default };
        using var forwarded = new HttpRequestMessage(HttpMethod.Get, "/health") { Headers = { { "X-Forwarded-For", "203.0.113.7" } } };
        using var answer = await http.SendAsync(forwarded);
        Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, answer.StatusCode);
        Assert.StartsWith($"unhealthy: {told}", await answer.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // This machine is told everything.
        using var local = await http.GetAsync("/health");
        Assert.StartsWith("unhealthy: cannot store messages since ", await local.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        store.Failing = false;
    }

    private static async Task<TestClient> ConnectThroughBalancerAsync(TestServer server, int port)
    {
        var client = await TestClient.ConnectAsync(server.Port);
        await client.SendBytesAsync(System.Text.Encoding.ASCII.GetBytes($"PROXY TCP4 203.0.113.7 127.0.0.1 {port} 8080\r\n"));
        await client.ExpectAsync(line => line.StartsWith("* welcome", StringComparison.Ordinal));
        return client;
    }

    [Fact]
    public async Task StoreFailing_Stop_GivesUpAfterTheGracePeriodAndCountsWhatWasNeverStored()
    {
        FaultyStore? store = null;
        var server = await TestServer.StartAsync(new() { ["Chat:ShutdownGraceSeconds"] = "1" }, services => services.AddSingleton<IMessageStore>(provider =>
            store = new FaultyStore(new MemoryMessageStore(100))));
        await using var alice = await server.ConnectAsAsync("alice");
        store!.Failing = true;
        await alice.SendAsync("lost one");
        await alice.SendAsync("lost two");
        await alice.ExpectAsync(line => line == Delayed);

        var stopping = Stopwatch.StartNew();
        await server.Host.StopAsync().WaitAsync(TestTimeouts.Default);
        stopping.Stop();

        var log = server.Host.Services.GetRequiredService<MessageLog>();
        Assert.Equal(2, log.Unstored);
        var abandoned = Assert.Single(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Stopping with", StringComparison.Ordinal));
        Assert.Equal("2", abandoned.Properties["Count"].ToString());
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"stopping took {stopping.Elapsed}");
        server.Host.Dispose();
    }

    // A real full disk, in a real process: the store's files may not grow past 128 KiB (its empty schema takes some
    // 60; bash's ulimit -f, with the signal that would kill the process ignored, so writes past the limit fail as on
    // a full disk), then SIGTERM.
    [Fact]
    public async Task FullDisk_Sigterm_ServerStopsWithinTheGracePeriodAndExits3()
    {
        using var data = new TempDirectory();
        var server = Path.Combine(AppContext.BaseDirectory, "SocketChat.Server.dll");
        await using var process = ChildProcess.Start("bash", [
            "-c",
            // The runtime's write-xor-execute mapping is a file as far as the limit goes; turn it off.
            "trap '' XFSZ; ulimit -f 128; DOTNET_EnableWriteXorExecute=0 exec dotnet \"$0\" \"$@\"",
            server, "--Chat:Host=127.0.0.1", "--Chat:Port=0", $"--Chat:DataDirectory={data.Path}",
            "--Chat:OperatorConsole=Off", "--Chat:ShutdownGraceSeconds=1",
        ]);
        var port = await process.ReadListeningPortAsync();
        await using var alice = await TestClient.ConnectAsync(port);
        await alice.ReadLineAsync();

        // Far more than 128 KiB: the store fails part of the way.
        await alice.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 2000).Select(i => $"{new string('x', 200)} {i}\n"))));
        await alice.ExpectAsync(line => line == Delayed);
        await process.ReadOutputLineAsync(line => line.Contains("Could not store", StringComparison.Ordinal));

        var stopping = Stopwatch.StartNew();
        await process.TerminateAsync();
        var (code, output, _) = await process.WaitForExitAsync();
        stopping.Stop();

        Assert.Equal(3, code);
        Assert.Contains(output, line => System.Text.RegularExpressions.Regex.IsMatch(line, @"FTL\] Stopping with \d+ messages the store could not take; none of them was acknowledged or delivered$"));
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(6), $"stopping took {stopping.Elapsed}");
    }

    private static IConfiguration ProbeSettings(int port) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Chat:Host"] = "127.0.0.1",
        ["Chat:Port"] = port.ToString(CultureInfo.InvariantCulture),
    }).Build();
}
