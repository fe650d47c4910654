using System.Globalization;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// The shipped deploy/haproxy/haproxy.cfg, run by a real haproxy in front of three nodes on one Redis.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class LoadBalancerTests(Web.ChromiumFixture chromium) : IClassFixture<Web.ChromiumFixture>
{
    private static readonly Dictionary<string, string?> BehindTheBalancer = new() { ["Chat:TrustedProxies"] = Balancer.Source };

    [Fact]
    public async Task ThreeUsersThroughTheBalancer_OnePerNode_OneChat_EachSeenAtItsOwnAddress()
    {
        await using var redis = await RedisServer.StartAsync();
        TestServer[] nodes =
        [
            await ClusterTests.StartNodeAsync(redis, BehindTheBalancer),
            await ClusterTests.StartNodeAsync(redis, BehindTheBalancer),
            await ClusterTests.StartNodeAsync(redis, BehindTheBalancer),
        ];
        await using var haproxy = await Balancer.StartAsync(nodes);
        try
        {
            var users = new List<TestClient>();
            for (var i = 1; i <= 3; i++)
            {
                var user = await TestClient.ConnectAsync(haproxy.Port);
                Assert.StartsWith("* welcome", await user.ReadLineAsync(), StringComparison.Ordinal);
                await user.SendAsync($"/nick user{i}");
                await user.ExpectAsync(line => line.EndsWith($"is now known as user{i}", StringComparison.Ordinal));
                users.Add(user);
            }

            // Fewest connections first: one user on each node, each logged with the user's own address and port.
            foreach (var node in nodes)
            {
                var connected = Assert.Single(node.Log.Events, e => e.MessageTemplate.Text.StartsWith("Client {Nick} connected", StringComparison.Ordinal));
                Assert.Contains(users, user => connected.Properties["RemoteEndPoint"].ToString() == $"\"127.0.0.1:{user.LocalPort}\"");
            }

            // A user who connects to a node's own port, from 127.0.0.1, needs no header: only the balancer's address is trusted.
            await using var direct = await TestClient.ConnectAsync(nodes[0].Port);
            Assert.StartsWith("* welcome", await direct.ReadLineAsync(), StringComparison.Ordinal);
            await direct.SendAsync("/nick direct");
            await direct.ExpectAsync(line => line.EndsWith("is now known as direct", StringComparison.Ordinal));

            await users[0].SendAsync("/who");
            Assert.Equal("* lobby (4): direct, user1, user2, user3", await users[0].ExpectAsync(line => line.StartsWith("* lobby (", StringComparison.Ordinal)));
            await users[2].SendAsync("through the balancer");
            Assert.Equal("user3: through the balancer", await users[0].ExpectAsync(line => line.StartsWith("user3:", StringComparison.Ordinal)));
            Assert.Equal("user3: through the balancer", await users[1].ExpectAsync(line => line.StartsWith("user3:", StringComparison.Ordinal)));
            foreach (var user in users)
            {
                await user.DisposeAsync();
            }
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task NodeStopped_NewConnectionsGoToTheOthers_AtOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        var stopped = await ClusterTests.StartNodeAsync(redis, BehindTheBalancer);
        await using var survivor = await ClusterTests.StartNodeAsync(redis, BehindTheBalancer);
        // Checks a minute apart: the stopped node is not marked down while the test runs.
        await using var haproxy = await Balancer.StartAsync([stopped, survivor], configuration => configuration.Replace("inter 2s", "inter 60s", StringComparison.Ordinal));

        await stopped.DisposeAsync();

        // Before any check has marked it down, a connection sent to it is sent again elsewhere.
        for (var i = 0; i < 4; i++)
        {
            await using var user = await TestClient.ConnectAsync(haproxy.Port);
            Assert.StartsWith("* welcome", await user.ReadLineAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task BrowserThroughTheBalancer_ItsNodeStops_ThePageResumesOnAnother_NothingLostOrDoubled()
    {
        await using var redis = await RedisServer.StartAsync();
        var settings = new Dictionary<string, string?>(BehindTheBalancer) { ["Chat:Web:Port"] = "0" };
        TestServer[] nodes = [await ClusterTests.StartNodeAsync(redis, settings), await ClusterTests.StartNodeAsync(redis, settings)];
        TestServer? stopped = null;
        await using var haproxy = await Balancer.StartAsync(nodes, web: true);
        try
        {
            var context = await chromium.Browser.NewContextAsync();
            context.SetDefaultTimeout((float)TestTimeouts.Default.TotalMilliseconds);
            var page = await context.NewPageAsync();
            await page.GotoAsync($"http://127.0.0.1:{haproxy.WebPort.ToString(CultureInfo.InvariantCulture)}/");
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("connected");

            // The node the page landed on saw the browser's own address, not the balancer's.
            static bool Connected(Serilog.Events.LogEvent e) => e.MessageTemplate.Text.StartsWith("Client {Nick} connected", StringComparison.Ordinal);
            await await Task.WhenAny(nodes.Select(node => node.Log.WaitForAsync(Connected)));
            var first = nodes.Single(node => node.Log.Events.Any(Connected));
            var other = nodes.Single(node => node != first);
            var connected = Assert.Single(first.Log.Events, Connected);
            Assert.Equal("\"127.0.0.1\"", connected.Properties["RemoteEndPoint"].ToString());
            Assert.Equal("\"web\"", connected.Properties["Protocol"].ToString());
            var nick = connected.Properties["Nick"].ToString().Trim('"');

            await using var nc = await other.ConnectAsAsync("bob");
            await page.Locator("#input").FillAsync("before the node stopped");
            await page.Locator("#input").PressAsync("Enter");
            Assert.Equal($"{nick}: before the node stopped", await nc.ExpectAsync(line => line.StartsWith($"{nick}:", StringComparison.Ordinal)));

            stopped = first;
            await first.DisposeAsync();
            await page.Locator("#input").FillAsync("after it stopped");
            await page.Locator("#input").PressAsync("Enter");

            // Back through the balancer on the other node, the same identity: resumed, its line delivered once.
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#state")).ToHaveTextAsync("connected", new() { Timeout = 30_000 });
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#messages li .body").Filter(new() { HasText = "reconnected" })).ToHaveCountAsync(1);
            Assert.Equal($"{nick}: after it stopped", await nc.ExpectAsync(line => line.StartsWith($"{nick}:", StringComparison.Ordinal)));
            await nc.SendAsync("welcome back");
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#messages li .body").Filter(new() { HasText = "bob: welcome back" })).ToHaveCountAsync(1);
            await Microsoft.Playwright.Assertions.Expect(page.Locator("#waiting")).ToBeHiddenAsync();
            await nc.SendAsync("/ping");
            Assert.Equal("* pong", await nc.ExpectAsync(line => line.StartsWith("* pong", StringComparison.Ordinal) || line.StartsWith($"{nick}:", StringComparison.Ordinal)));
            await context.DisposeAsync();
        }
        finally
        {
            foreach (var node in nodes.Where(node => node != stopped))
            {
                await node.DisposeAsync();
            }
        }
    }

    // haproxy with the shipped configuration, its addresses changed to this test's (loopback, free ports).
    private sealed class Balancer : IAsyncDisposable
    {
        // Where the balancer connects from, as the README's one-machine recipe has it.
        public const string Source = "127.0.0.2";

        private readonly ChildProcess _process;
        private readonly TempDirectory _directory;

        private Balancer(ChildProcess process, TempDirectory directory, int port)
        {
            _process = process;
            _directory = directory;
            Port = port;
        }

        public int Port { get; }

        // The browser client's address through the balancer, when started with web.
        public int WebPort { get; private init; }

        public static async Task<Balancer> StartAsync(TestServer[] nodes, Func<string, string>? change = null, bool web = false)
        {
            var port = FreePort.Pick();
            var configuration = await File.ReadAllTextAsync(RepositoryRoot.File("deploy", "haproxy", "haproxy.cfg"));

            // The addresses through the variables compose sets; a third server, when the test has two nodes, is the
            // second again.
            var environment = new Dictionary<string, string>
            {
                ["SOCKETCHAT_LISTEN"] = $"127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
                ["SOCKETCHAT_SOURCE"] = Source,
            };
            for (var i = 0; i < 3; i++)
            {
                environment[$"SOCKETCHAT_NODE{i + 1}"] = $"127.0.0.1:{nodes[Math.Min(i, nodes.Length - 1)].Port.ToString(CultureInfo.InvariantCulture)}";
            }

            configuration = change?.Invoke(configuration) ?? configuration;
            var directory = new TempDirectory();
            var path = Path.Combine(directory.Path, "haproxy.cfg");
            await File.WriteAllTextAsync(path, configuration);
            List<string> arguments = ["-W", "-db", "-f", path];
            var webPort = 0;
            if (web)
            {
                // The shipped web balancer after it, its addresses the nodes' web ports.
                webPort = FreePort.Pick();
                environment["SOCKETCHAT_WEB_LISTEN"] = $"127.0.0.1:{webPort.ToString(CultureInfo.InvariantCulture)}";
                for (var i = 0; i < 3; i++)
                {
                    environment[$"SOCKETCHAT_WEB_NODE{i + 1}"] = $"127.0.0.1:{nodes[Math.Min(i, nodes.Length - 1)].WebUrl.Port.ToString(CultureInfo.InvariantCulture)}";
                }

                arguments.AddRange(["-f", RepositoryRoot.File("deploy", "haproxy", "haproxy-web.cfg")]);
            }

            // Master and worker in the foreground: the master says when the worker listens.
            var process = ChildProcess.Start("haproxy", arguments, environment);
            await process.ReadErrorLineAsync(line => line.Contains("Loading success.", StringComparison.Ordinal));
            return new Balancer(process, directory, port) { WebPort = webPort };
        }

        public async ValueTask DisposeAsync()
        {
            await _process.DisposeAsync();
            _directory.Dispose();
        }
    }
}
