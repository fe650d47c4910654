using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Cluster;

// Redis stalled (SIGSTOP) rather than gone: commands time out while the connection stays up.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed class RedisStallTests
{
    [Fact]
    public async Task RedisPaused_LeaseRenewalTimesOut_BothNodesKeepRunning_EachLineSaidMeanwhileDeliveredOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        // Short timeouts, so a pause of a few seconds is a timeout for every command caught in it.
        var settings = new Dictionary<string, string?> { ["Chat:Storage:Redis"] = $"{redis.Configuration},syncTimeout=1000,asyncTimeout=1000" };
        await using var a = await ClusterTests.StartNodeAsync(redis, settings);
        await using var b = await ClusterTests.StartNodeAsync(redis, settings);
        await using var alice = await a.ConnectAsAsync("alice");
        await using var bob = await b.ConnectAsAsync("bob");
        await alice.SendAsync("before");
        await bob.ExpectAsync(line => line == "alice: before");

        await redis.PauseAsync();
        for (var n = 0; n < 3; n++)
        {
            await alice.SendAsync($"paused {n}");
        }

        // The append times out and is tried again; a renewal of the names falls in the pause and times out too.
        await a.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Could not store", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        await a.Log.WaitForAsync(e => e.RenderMessage().StartsWith("\"Renewing this node's names and memberships\" failed", StringComparison.Ordinal), TimeSpan.FromSeconds(15));
        await redis.ResumeAsync();

        await alice.SendAsync("after");
        var seen = new List<string>();
        while (seen.LastOrDefault() != "alice: after")
        {
            seen.Add(await bob.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)) ?? throw new InvalidOperationException("bob was dropped"));
        }

        Assert.Equal(["alice: paused 0", "alice: paused 1", "alice: paused 2", "alice: after"], seen.Where(line => line.StartsWith("alice:", StringComparison.Ordinal)));
        Assert.False(a.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
        Assert.False(b.Host.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }
}
