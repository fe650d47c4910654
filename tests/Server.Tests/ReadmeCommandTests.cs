using System.Globalization;
using System.Text.RegularExpressions;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// The README's commands, run exactly as written from a clone (its root as the working directory, through
// dotnet run), with only the environment pointing them at a free loopback port and a data directory of
// their own. They run one at a time: each dotnet run builds before it runs.
[Collection(ReadmeCommandsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed partial class ReadmeCommandTests : IDisposable
{
    // What the recipes write into the working directory; a user's own files of these names are put back after.
    private static readonly string[] Written = ["server.log", "lobby.jsonl", "cert.pem", "key.pem"];
    private static readonly TimeSpan BuildAndRun = TimeSpan.FromSeconds(180);

    private readonly TempDirectory _data = new();
    private readonly Dictionary<string, string> _kept = [];

    public ReadmeCommandTests()
    {
        foreach (var name in Written.Where(name => File.Exists(RepositoryRoot.File(name))))
        {
            _kept[name] = RepositoryRoot.File(name) + ".kept-by-test";
            File.Move(RepositoryRoot.File(name), _kept[name], overwrite: true);
        }
    }

    public void Dispose()
    {
        foreach (var name in Written)
        {
            File.Delete(RepositoryRoot.File(name));
        }

        foreach (var (name, kept) in _kept)
        {
            File.Move(kept, RepositoryRoot.File(name));
        }

        _data.Dispose();
    }

    [Fact]
    public async Task BackgroundServerRecipe_InAnInteractiveShell_KeepsRunningLogsJsonAndGreets()
    {
        var command = Readme.Command("dotnet run --project src/Server -- --Log:Format=json > server.log &");
        await using var shell = await TmuxSession.StartAsync($"cd {RepositoryRoot.Path} && env -i HOME=$HOME PATH=$PATH TERM=xterm bash --norc --noprofile -i");
        await shell.TypeAsync($"export Chat__Host=127.0.0.1 Chat__Port=0 Chat__DataDirectory={_data.Path} DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1");
        await shell.PressAsync("Enter");

        await shell.TypeAsync(command);
        await shell.PressAsync("Enter");
        var port = await ListeningPortAsync(RepositoryRoot.File("server.log"));

        // The port answers and greets: the server was not stopped on the terminal.
        await using (var client = await TestClient.ConnectAsync(port))
        {
            Assert.StartsWith("* welcome to SocketChat, guest1!", await client.ReadLineAsync(), StringComparison.Ordinal);
        }

        await shell.TypeAsync("jobs");
        await shell.PressAsync("Enter");
        var screen = await shell.WaitForScreenAsync(lines => lines.Any(line => line.StartsWith("[1]", StringComparison.Ordinal) && line.Contains("dotnet run", StringComparison.Ordinal)));
        Assert.Contains(screen, line => line.StartsWith("[1]+  Running", StringComparison.Ordinal));
        Assert.DoesNotContain(screen, line => line.Contains("Stopped", StringComparison.Ordinal));
        Assert.All(await File.ReadAllLinesAsync(RepositoryRoot.File("server.log")), line => Assert.StartsWith("{\"@t\":", line, StringComparison.Ordinal));

        await shell.TypeAsync("kill %1; wait; echo STOPPED");
        await shell.PressAsync("Enter");
        await shell.WaitForScreenAsync(lines => lines.Contains("STOPPED"));
    }

    [Fact]
    public async Task ProbeCommand_FromAClone_ReportsAHealthyServer()
    {
        await using var server = await TestServer.StartAsync();

        var (exitCode, output) = await RunAsync(Readme.Command("dotnet run --project src/Server -- --probe"), Settings(server.Port));

        Assert.Equal(0, exitCode);
        Assert.Matches($@"^healthy: 127\.0\.0\.1:{server.Port} answered in \d+ ms$", Assert.Single(output));
    }

    [Fact]
    public async Task UsersAddAndExportCommands_FromAClone_AddTheAccountAndExportTheRoom()
    {
        var (added, addOutput) = await RunAsync(Readme.Command("dotnet run --project src/Server -- users add alice"), Settings(), "a long enough password\n");
        Assert.Equal(0, added);
        Assert.Contains($"added alice in {_data.File("users.txt")}", addOutput);

        await using (var server = await TestServer.StartAsync(new() { ["Chat:DataDirectory"] = _data.Path }))
        {
            await using var bob = await server.ConnectAsAsync("bob");
            await bob.SendAsync("for the archive");
            await server.WaitUntilStoredAsync("for the archive");
        }

        var (exported, _) = await RunAsync(Readme.Command("dotnet run --project src/Server -- export --room lobby --since 2026-11-01 > lobby.jsonl"), Settings());
        Assert.Equal(0, exported);
        Assert.Matches("""^\{"type":"message","id":1,"ts":"[^"]+","room":"lobby","from":"bob","text":"for the archive"\}$""", Assert.Single(await File.ReadAllLinesAsync(RepositoryRoot.File("lobby.jsonl"))));
    }

    [Fact]
    public async Task TlsRecipe_TestCertificateServerAndClient_ChatOverTls()
    {
        var (made, _) = await RunAsync(Readme.Command("openssl req -x509"), []);
        Assert.Equal(0, made);

        await using var server = ChildProcess.Start("bash", ["-c", Readme.Command("dotnet run --project src/Server -- --Chat:Tls:CertificatePath=$PWD/cert.pem")], Settings(), RepositoryRoot.Path);
        var port = await ListeningPortAsync(server);
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificateFromFile(RepositoryRoot.File("cert.pem"));
        await using var watcher = await TestClient.ConnectTlsAsync(port, certificate);
        await watcher.ReadLineAsync();

        var (exitCode, output) = await RunAsync(Readme.Command("dotnet run --project src/Client -- --Chat:Host=localhost --Chat:Tls:Enabled=true"), Settings(port), "hello over the recipe\n");

        Assert.Equal(0, exitCode);
        Assert.Contains(output, line => line.StartsWith($"* connected to localhost:{port} as guest", StringComparison.Ordinal));
        Assert.Matches(@"^guest\d+: hello over the recipe$", await watcher.ExpectAsync(line => !line.StartsWith('*')));
    }

    [Fact]
    public async Task ClusterRecipe_RedisThreeNodesAndTheBalancer_ChatAsOne()
    {
        // The recipe's background jobs become children whose output the test reads and its fixed ports free ones; the
        // commands are otherwise run as written, in a directory of their own that links to everything in the clone
        // (so redis-data and the logs are made where the recipe makes them, and its paths are tried for real).
        using var clone = new TempDirectory();
        foreach (var entry in new DirectoryInfo(RepositoryRoot.Path).EnumerateFileSystemInfos().Where(entry => entry.Name != ".git"))
        {
            File.CreateSymbolicLink(Path.Combine(clone.Path, entry.Name), entry.FullName);
        }
        var redisPort = FreePort.Pick().ToString(CultureInfo.InvariantCulture);
        string AsChild(string command) => BackgroundJob().Replace(command, string.Empty)
            .Replace("--port 6380", $"--port {redisPort}", StringComparison.Ordinal)
            .Replace("127.0.0.1:6380", $"127.0.0.1:{redisPort}", StringComparison.Ordinal);

        var (built, buildOutput) = await RunAsync(Readme.Command("dotnet build src/Server"), []);
        Assert.True(built == 0, string.Join('\n', buildOutput));
        Assert.Equal(0, (await RunAsync(Readme.Command("mkdir -p redis-data"), [], workingDirectory: clone.Path)).ExitCode);
        await using var redis = ChildProcess.Start("bash", ["-c", AsChild(Readme.Command("redis-server deploy/redis/redis.conf"))], workingDirectory: clone.Path);
        await redis.ReadOutputLineAsync(line => line.Contains("Ready to accept connections", StringComparison.Ordinal));

        var nodes = new List<ChildProcess>();
        var ports = new List<int>();
        try
        {
            for (var i = 1; i <= 3; i++)
            {
                var command = AsChild(Readme.Command($"dotnet run --no-build --project src/Server -- --Chat:Port=808{i} "))
                    .Replace($"--Chat:Port=808{i}", "--Chat:Port=0", StringComparison.Ordinal);
                nodes.Add(ChildProcess.Start("bash", ["-c", command], Settings(), clone.Path));
                var listening = await nodes[^1].ReadOutputLineAsync(line => line.Contains("Listening on 127.0.0.1:", StringComparison.Ordinal), BuildAndRun);
                Assert.Contains($" INF node{i}] Listening on", listening, StringComparison.Ordinal);
                ports.Add(int.Parse(listening[(listening.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture));
            }

            var balancerPort = FreePort.Pick();
            var addresses = new Dictionary<string, string> { ["SOCKETCHAT_LISTEN"] = $"127.0.0.1:{balancerPort.ToString(CultureInfo.InvariantCulture)}" };
            for (var i = 0; i < 3; i++)
            {
                addresses[$"SOCKETCHAT_NODE{i + 1}"] = $"127.0.0.1:{ports[i].ToString(CultureInfo.InvariantCulture)}";
            }

            await using var haproxy = ChildProcess.Start("bash", ["-c", AsChild(Readme.Command("SOCKETCHAT_SOURCE=127.0.0.2 haproxy"))], addresses, clone.Path);

            // Two nc users through the balancer: the second goes to another node than the first.
            await using var alice = await ConnectWhenListeningAsync(balancerPort);
            await alice.SendAsync("/nick alice");
            await alice.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));
            await using var bob = await ConnectWhenListeningAsync(balancerPort);
            await bob.SendAsync("/nick bob");
            await bob.ExpectAsync(line => line.EndsWith("is now known as bob", StringComparison.Ordinal));

            var client = Readme.Command("dotnet run --project src/Client -- --Chat:Servers=");
            for (var i = 0; i < 3; i++)
            {
                client = client.Replace($"127.0.0.1:808{i + 1}", $"127.0.0.1:{ports[i].ToString(CultureInfo.InvariantCulture)}", StringComparison.Ordinal);
            }

            var (exitCode, output) = await RunAsync(client, Settings(ports[0]), "hello, cluster\n");
            Assert.True(exitCode == 0, string.Join('\n', output));
            Assert.Matches(@"^guest\d+: hello, cluster$", await alice.ExpectAsync(line => line.EndsWith("hello, cluster", StringComparison.Ordinal)));
            Assert.Matches(@"^guest\d+: hello, cluster$", await bob.ExpectAsync(line => line.EndsWith("hello, cluster", StringComparison.Ordinal)));

            await alice.SendAsync("hi bob");
            Assert.Equal("alice: hi bob", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    // haproxy starts listening a moment after it starts; until then its port refuses.
    private static async Task<TestClient> ConnectWhenListeningAsync(int port)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (true)
        {
            try
            {
                var client = await TestClient.ConnectAsync(port);
                Assert.StartsWith("* welcome", await client.ReadLineAsync(), StringComparison.Ordinal);
                return client;
            }
            catch (System.Net.Sockets.SocketException)
            {
                await timer.WaitForNextTickAsync(timeout.Token);
            }
        }
    }

    private Dictionary<string, string> Settings(int? port = null) => new()
    {
        ["Chat__Host"] = "127.0.0.1",
        ["Chat__Port"] = (port ?? 0).ToString(CultureInfo.InvariantCulture),
        ["Chat__DataDirectory"] = _data.Path,
        ["Chat__OperatorConsole"] = "Off",
    };

    // Runs the command line with bash in the repository root, its input given; the exit code and what it printed.
    private static async Task<(int ExitCode, List<string> Output)> RunAsync(string command, Dictionary<string, string> environment, string input = "", string? workingDirectory = null)
    {
        await using var process = ChildProcess.Start("bash", ["-c", command], environment, workingDirectory ?? RepositoryRoot.Path);
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var (exitCode, output, error) = await process.WaitForExitAsync(BuildAndRun);
        return exitCode == 0 ? (exitCode, output) : (exitCode, [.. output, .. error]);
    }

    private static async Task<int> ListeningPortAsync(ChildProcess server)
    {
        var line = await server.ReadOutputLineAsync(text => text.Contains("Listening on 127.0.0.1:", StringComparison.Ordinal), BuildAndRun);
        return int.Parse(line[(line.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
    }

    // The JSON log's Listening event, once the build is done and the server is up.
    private static async Task<int> ListeningPortAsync(string log)
    {
        using var timeout = new CancellationTokenSource(BuildAndRun);
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(timeout.Token))
        {
            var text = File.Exists(log) ? await File.ReadAllTextAsync(log, timeout.Token) : string.Empty;
            if (ListeningEvent().Match(text) is { Success: true } match)
            {
                return int.Parse(match.Groups["port"].Value, CultureInfo.InvariantCulture);
            }
        }

        throw new TimeoutException($"{log} never said where the server listens");
    }

    [GeneratedRegex(@"\s*> \S+\.log &( \w+=\$!)?$")]
    private static partial Regex BackgroundJob();

    [GeneratedRegex("\"EndPoint\":\"127\\.0\\.0\\.1:(?<port>\\d+)\"")]
    private static partial Regex ListeningEvent();
}
