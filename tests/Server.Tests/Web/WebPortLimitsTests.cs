using System.Net.Http;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Web;

// The web port's plain TCP connections, counted from accept under the chat's limits.
public sealed class WebPortLimitsTests
{
    [Fact]
    public async Task IdleTcpConnections_CountedAtAccept_TheNextTold503AndClosed_IdleOnesClosedWithinSeconds()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Web:Port"] = "0",
            ["Chat:Limits:MaxConnectionsPerIp"] = "2",
            ["Chat:Limits:ExemptLoopback"] = "false",
        });
        var port = server.WebUrl.Port;
        var idle = new List<TestClient>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                idle.Add(await TestClient.ConnectAsync(port));
            }

            // Whichever is accepted third (accepts are admitted in parallel) is told so without a request being
            // read, and closed; the other two, which send no request, are closed within a few seconds.
            var answers = await Task.WhenAll(idle.Select(client => client.ReadToEndAsync()));
            Assert.Equal(
                ["HTTP/1.1 503 Service Unavailable", "Connection: close", "Content-Type: text/plain; charset=utf-8", "Content-Length: 51", string.Empty, "too many connections from your address (at most 2)"],
                Assert.Single(answers, answer => answer.Count > 0));
            Assert.Equal(2, answers.Count(answer => answer.Count == 0));
        }
        finally
        {
            foreach (var client in idle)
            {
                await client.DisposeAsync();
            }
        }
        using var http = new HttpClient();
        var page = await http.GetAsync(server.WebUrl).WaitAsync(TestTimeouts.Default);
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task MaxConnectionsBeyondWhatTheProcessMayOpen_RefusedAtStart_OneLineNamingTheKey()
    {
        var server = Path.Combine(AppContext.BaseDirectory, "SocketChat.Server.dll");
        using var data = new TempDirectory();
        await using var process = ChildProcess.Start("bash", [
            "-c", "ulimit -n 512; exec dotnet \"$0\" \"$@\"",
            server, "--Chat:Host=127.0.0.1", "--Chat:Port=0", "--Chat:Limits:MaxConnections=1000", $"--Chat:DataDirectory={data.Path}",
        ]);

        var (exitCode, output, error) = await process.WaitForExitAsync();

        Assert.Equal(2, exitCode);
        Assert.Matches(
            @"^Chat:Limits:MaxConnections=1000 is not allowed: this process may open 512 files \(RLIMIT_NOFILE\) and holds \d+, room for \d+ connections; raise the limit \(LimitNOFILE= in the unit, ulimit -n\) or lower the setting$",
            Assert.Single(error));
        Assert.DoesNotContain(output, line => line.Contains("ERR]", StringComparison.Ordinal) || line.Contains("FTL]", StringComparison.Ordinal));
    }
}
