using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Diagnostics;

// Chat:Metrics:Port: the meter in Prometheus's text format, scraped by a real Prometheus (Debian's) of the test's
// own, on free loopback ports with a temporary directory.
public sealed class PrometheusTests
{
    [Fact]
    public async Task MetricsEndpoint_PrometheusScrapesIt_AQueryReturnsTheMessagesCounterWithTheNodesName()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Metrics:Port"] = "0", ["Chat:NodeName"] = "node-a" });
        await using var alice = await server.ConnectAsAsync("alice");
        await alice.SendAsync("counted");
        await server.WaitUntilStoredAsync("counted");

        // The endpoint itself: Prometheus's text format, each series with the node's name.
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        var url = server.Host.Services.GetRequiredService<SocketChat.Server.Web.MetricsListener>().Url!;
        using var answer = await http.GetAsync(url);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", answer.Content.Headers.ContentType?.ToString());
        var text = await answer.Content.ReadAsStringAsync();
        Assert.Matches(@"(?m)^socketchat_server_socketchat_messages_received\{socketchat_node=""node-a""\} 1$", text);
        Assert.Matches(@"(?m)^socketchat_server_socketchat_connections\{socketchat_node=""node-a""\} 1$", text);

        // A real Prometheus scrapes it every second; its query API answers with the counter and the node.
        using var data = new TempDirectory();
        var port = FreePort.Pick();
        await File.WriteAllTextAsync(data.File("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
            scrape_configs:
              - job_name: socketchat
                metrics_path: /metrics
                static_configs:
                  - targets: ["127.0.0.1:{url.Port.ToString(CultureInfo.InvariantCulture)}"]
            """);
        await using var prometheus = ChildProcess.Start("prometheus", [
            $"--config.file={data.File("prometheus.yml")}", $"--storage.tsdb.path={data.File("tsdb")}",
            $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
        ]);
        var query = $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/api/v1/query?query=socketchat_server_socketchat_messages_received";
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        JsonElement result;
        while (true)
        {
            try
            {
                using var document = JsonDocument.Parse(await http.GetStringAsync(query, deadline.Token));
                result = document.RootElement.GetProperty("data").GetProperty("result").Clone();
                if (result.GetArrayLength() > 0)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            await Task.Delay(200, deadline.Token);
        }

        var series = Assert.Single(result.EnumerateArray());
        Assert.Equal("node-a", series.GetProperty("metric").GetProperty("socketchat_node").GetString());
        Assert.Equal("socketchat", series.GetProperty("metric").GetProperty("job").GetString());
        Assert.Equal("1", series.GetProperty("value")[1].GetString());
    }

    // Every series the shipped Grafana dashboard asks for is one the meter has.
    [Fact]
    public async Task GrafanaDashboard_AsksOnlyForSeriesTheMeterHas()
    {
        await using var server = await TestServer.StartAsync();
        var meter = server.Host.Services.GetRequiredService<SocketChat.Server.Diagnostics.ServerMetrics>().Meter;
        var series = new HashSet<string>(StringComparer.Ordinal);
        using (var listener = new System.Diagnostics.Metrics.MeterListener())
        {
            listener.InstrumentPublished = (instrument, _) =>
            {
                if (ReferenceEquals(instrument.Meter, meter))
                {
                    series.Add($"socketchat_server_{instrument.Name.Replace('.', '_')}");
                }
            };
            listener.Start();
        }

        var dashboard = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot.Path, "deploy", "grafana", "socketchat-dashboard.json"));
        var asked = System.Text.RegularExpressions.Regex.Matches(dashboard, @"socketchat_server_\w+").Select(match => match.Value.Replace("_bucket", string.Empty, StringComparison.Ordinal)).ToHashSet();
        Assert.NotEmpty(asked);
        Assert.Subset(series, asked);
    }
}
