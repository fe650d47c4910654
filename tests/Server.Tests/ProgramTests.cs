using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// The published program as an operator runs it: arguments, environment, signals, exit codes.
[Trait("Category", "Slow")]
public sealed class ProgramTests
{
    [Theory]
    [InlineData("--Chat:Port=70000", "Chat:Port=70000 is not allowed: must be from 0 to 65535 (0 picks a free port)")]
    [InlineData("--Chat:Port=abc", "Chat:Port=abc is not allowed: must be a whole number")]
    [InlineData("--Chat:MaxLineBytes=0", "Chat:MaxLineBytes=0 is not allowed: must be from 64 to 1048576 bytes")]
    [InlineData("--Chat:OperatorConsole=maybe", "Chat:OperatorConsole=maybe is not allowed: must be one of Auto, On, Off")]
    [InlineData("--Chat:Host=bad_host!", "Chat:Host=bad_host! is not allowed: must be *, an IP address or a host name")]
    [InlineData("--Log:Format=xml", "Log:Format=xml is not allowed: must be text or json")]
    [InlineData("--Chat:Prot=9000", "Chat:Prot=9000 is not a setting; did you mean Chat:Port?")]
    [InlineData("--Chat:limits:MaxConectionsPerIp=5", "Chat:Limits:MaxConectionsPerIp=5 is not a setting; did you mean Chat:Limits:MaxConnectionsPerIp?")]
    [InlineData("--Log:Fromat=json", "Log:Fromat=json is not a setting; did you mean Log:Format?")]
    [InlineData("--Chat:Storage:Redis=127.0.0.1:6379,connectTimeout=soon", "Chat:Storage:Redis=127.0.0.1:6379,connectTimeout=soon is not allowed: must be a StackExchange.Redis configuration string naming a server (127.0.0.1:6379,password=...)")]
    [InlineData("--Chat:NodeName=chat 2", "Chat:NodeName=chat 2 is not allowed: must be up to 64 letters, digits, '.', '_', ':' or '-'")]
    [InlineData("--Chat:TrustedProxies=127.0.0.1,haproxy", "Chat:TrustedProxies=127.0.0.1,haproxy is not allowed: must be IP addresses or networks separated by commas (127.0.0.1,10.0.0.0/8,::1)")]
    public async Task BadSetting_ExitsTwoWithOneLineNamingKeyValueAndRange(string argument, string expected)
    {
        await using var server = ChildProcess.StartServer([argument]);
        server.StandardInput.Close();

        var (exitCode, output, error) = await server.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal([expected], error);
        Assert.Empty(output);
    }

    [Fact]
    public async Task BadSetting_FromEnvironment_NamedTheSameWay()
    {
        await using var server = ChildProcess.StartServer([], new Dictionary<string, string> { ["Chat__ShutdownGraceSeconds"] = "-1" });
        server.StandardInput.Close();

        var (exitCode, _, error) = await server.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal(["Chat:ShutdownGraceSeconds=-1 is not allowed: must be from 0 to 3600 seconds"], error);
    }

    [Fact]
    public async Task UnknownSetting_FromEnvironment_Refused_TheClientsOwnAccepted()
    {
        await using var server = ChildProcess.StartServer(["--Chat:Nick=alice", "--Chat:Reconnect:Attempts=0"], new Dictionary<string, string> { ["Chat__Storage__Provder"] = "memory" });
        server.StandardInput.Close();

        var (exitCode, _, error) = await server.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal(["Chat:Storage:Provder=memory is not a setting; did you mean Chat:Storage:Provider?"], error);
    }

    [Fact]
    public async Task UnknownSetting_UsersSubcommand_RefusedToo()
    {
        await using var users = ChildProcess.StartServer(["users", "list", "--Chat:DataDirectroy=/tmp"]);
        users.StandardInput.Close();

        var (exitCode, _, error) = await users.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Equal(["Chat:DataDirectroy=/tmp is not a setting; did you mean Chat:DataDirectory?"], error);
    }

    [Fact]
    public async Task PositionalPort_StdinClosed_KeepsServingUntilSigtermThenTellsClientsAndExitsZero()
    {
        await using var server = ChildProcess.StartServer(["0", "--Chat:Host=127.0.0.1"]);
        server.StandardInput.Close();
        var port = await server.ReadListeningPortAsync();
        await using var client = await TestClient.ConnectAsync(port);
        Assert.Equal("* welcome to SocketChat, guest1! You are in lobby. Type /help for commands.", await client.ReadLineAsync());

        await server.TerminateAsync();

        Assert.Equal(["* server shutting down"], await client.ReadToEndAsync());
        var (exitCode, output, error) = await server.WaitForExitAsync();
        Assert.Equal(0, exitCode);
        Assert.Empty(error);
        Assert.Contains(output, line => line.Contains("Client guest1 disconnected: server shutting down", StringComparison.Ordinal));
    }

    [Fact]
    public async Task LevelOverride_ForTheLogReader_SilencesMessageEvents_NotTheRest()
    {
        var environment = new Dictionary<string, string> { ["Serilog__MinimumLevel__Override__SocketChat.Server.Rooms"] = "Warning" };
        await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:OperatorConsole=Off"], environment);
        server.StandardInput.Close();
        var seen = new List<string>();
        var listening = await server.ReadOutputLineAsync(line => line.Contains("Listening on 127.0.0.1:", StringComparison.Ordinal));
        await using (var client = await TestClient.ConnectAsync(int.Parse(listening[(listening.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture)))
        {
            await client.ReadLineAsync();
            await client.SendAsync("not for the log");
            await client.SendAsync("/quit");
            await client.ReadToEndAsync();
        }

        // The message is delivered (and would be logged) before /quit is answered, so before the disconnect.
        await server.ReadOutputLineAsync(line =>
        {
            seen.Add(line);
            return line.Contains("Client guest1 disconnected", StringComparison.Ordinal);
        });
        await server.TerminateAsync();
        var (_, output, _) = await server.WaitForExitAsync();
        Assert.DoesNotContain(seen.Concat(output), line => line.Contains("not for the log", StringComparison.Ordinal));
        Assert.Contains(seen, line => line.Contains("Client guest1 connected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task JsonLogFormat_EveryStdoutLineIsCompactJson()
    {
        await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Log:Format=json"]);
        server.StandardInput.Close();
        var listening = await server.ReadOutputLineAsync(line => line.Contains("Listening on", StringComparison.Ordinal));
        using (var document = JsonDocument.Parse(listening))
        {
            Assert.Equal("Listening on {EndPoint}", document.RootElement.GetProperty("@mt").GetString());
            var endPoint = document.RootElement.GetProperty("EndPoint").GetString()!;
            await using var client = await TestClient.ConnectAsync(IPEndPoint.Parse(endPoint).Port);
            await client.ReadLineAsync();
            await client.SendAsync("logged as json");
            await client.SendAsync("/quit");
            await client.ReadToEndAsync();
        }

        var message = await server.ReadOutputLineAsync(line => line.Contains("logged as json", StringComparison.Ordinal));
        await server.TerminateAsync();
        var (exitCode, output, _) = await server.WaitForExitAsync();

        using var logged = JsonDocument.Parse(message);
        Assert.Equal("Message {MessageId} in {Room} from {Nick}: {Text}", logged.RootElement.GetProperty("@mt").GetString());
        Assert.Equal("guest1", logged.RootElement.GetProperty("Nick").GetString());
        Assert.Equal("lobby", logged.RootElement.GetProperty("Room").GetString());
        Assert.Equal("logged as json", logged.RootElement.GetProperty("Text").GetString());
        Assert.Equal(1, logged.RootElement.GetProperty("MessageId").GetInt64());
        Assert.Equal("""{"Id":4,"Name":"MessageReceived"}""", logged.RootElement.GetProperty("EventId").GetRawText());
        Assert.Equal("SocketChat.Server.Rooms.LogReader", logged.RootElement.GetProperty("SourceContext").GetString());
        Assert.Equal(1, logged.RootElement.GetProperty("ConnectionId").GetInt64());
        Assert.Matches(@"^127\.0\.0\.1:\d+$", logged.RootElement.GetProperty("RemoteEndPoint").GetString());
        Assert.Matches($"^{Regex.Escape(Dns.GetHostName())}:[0-9a-f]{{8}}$", logged.RootElement.GetProperty("Node").GetString());
        Assert.Equal(0, exitCode);
        Assert.All(output, line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task NodeName_OnEveryTextLogLine()
    {
        await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Chat:NodeName=chat-2"]);
        server.StandardInput.Close();

        var listening = await server.ReadOutputLineAsync(line => line.Contains("Listening on", StringComparison.Ordinal));
        await server.TerminateAsync();
        var (exitCode, output, _) = await server.WaitForExitAsync();

        Assert.Matches(@"^\[[0-9-]+ [0-9:.]+ INF chat-2\] Listening on 127\.0\.0\.1:\d+$", listening);
        Assert.Equal(0, exitCode);
        Assert.All(output, line => Assert.Matches(@"^\[[0-9-]+ [0-9:.]+ [A-Z]{3} chat-2\] ", line));
    }

    [Fact]
    public async Task LogLevels_OverriddenPerNamespaceFromTheEnvironment()
    {
        await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1"], new Dictionary<string, string>
        {
            ["Serilog__MinimumLevel__Override__SocketChat.Server.Sessions"] = "Debug",
            ["Serilog__MinimumLevel__Override__Microsoft.Hosting.Lifetime"] = "Warning",
        });
        server.StandardInput.Close();
        var port = await server.ReadListeningPortAsync();
        await using (var client = await TestClient.ConnectAsync(port))
        {
            await client.SendAsync("/json");
            await client.ReadLineAsync();
        }

        // Debug from one namespace, while another is held to warnings.
        var debug = await server.ReadOutputLineAsync(line => line.Contains("switched to JSON mode", StringComparison.Ordinal));
        await server.TerminateAsync();
        var (_, output, _) = await server.WaitForExitAsync();

        Assert.Matches(@" DBG\] Connection from 127\.0\.0\.1:\d+ switched to JSON mode$", debug);
        Assert.DoesNotContain(output, line => line.Contains("Application started", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Probe_LiveServer_ExitsZero()
    {
        await using var server = await TestServer.StartAsync();

        await using var probe = ChildProcess.StartServer(["--probe", "--Chat:Host=127.0.0.1", $"--Chat:Port={server.Port}"]);
        var (exitCode, output, error) = await probe.WaitForExitAsync();

        Assert.Equal(0, exitCode);
        Assert.Matches($@"^healthy: 127\.0\.0\.1:{server.Port} answered in \d+ ms$", Assert.Single(output));
        Assert.Empty(error);
    }

    [Fact]
    public async Task Probe_DeadPort_ExitsOneWithReason()
    {
        int port;
        await using (var server = await TestServer.StartAsync())
        {
            port = server.Port;
        }

        await using var probe = ChildProcess.StartServer(["--probe", "--Chat:Host=127.0.0.1", $"--Chat:Port={port}"]);
        var (exitCode, output, _) = await probe.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        Assert.Equal([$"unhealthy: cannot connect to 127.0.0.1:{port}: Connection refused"], output);
    }

    [Fact]
    public async Task NotifySocket_ReadyOnceListeningAndStoppingOnSigterm()
    {
        var path = Path.Combine(Path.GetTempPath(), $"socketchat-notify-{Guid.NewGuid():N}.sock");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            await using var server = ChildProcess.StartServer(["--Chat:Port=0", "--Chat:Host=127.0.0.1"], new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path });
            server.StandardInput.Close();

            var ready = await ReceiveAsync(notify);
            var port = await server.ReadListeningPortAsync();
            await using (var client = await TestClient.ConnectAsync(port))
            {
                await client.SendAsync("/ping");
                Assert.Equal("* pong", await client.ReadLineAsync());
            }

            await server.TerminateAsync();

            Assert.Equal("READY=1", ready);
            Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
            Assert.Equal(0, (await server.WaitForExitAsync()).ExitCode);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        var received = await socket.ReceiveAsync(buffer.AsMemory()).AsTask().WaitAsync(TestTimeouts.Default);
        return System.Text.Encoding.ASCII.GetString(buffer, 0, received).Trim();
    }
}
