using SocketChat.Server.Cluster;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Storage;

// The store contract on Redis: a redis-server of its own per test.
public sealed class RedisStoreContractTests : MessageStoreContract, IAsyncLifetime
{
    private RedisServer? _redis;

    public async Task InitializeAsync() => _redis = await RedisServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    // Dated by the test, as the other stores are (the cluster's own dates messages by Redis's clock: ClusterClockTests).
    private protected override IMessageStore Create() => new RedisMessageStore(_redis!.Configuration, "test-node", requireAtStart: true, storeClock: false);

    private protected override ILogTail? Tail(IMessageStore store) =>
        new RedisLogTail((RedisMessageStore)store, TimeProvider.System, Microsoft.Extensions.Logging.Abstractions.NullLogger<RedisLogTail>.Instance);

    private protected override IMessageStore? Another() => new RedisMessageStore(_redis!.Configuration, "other-node", requireAtStart: true, storeClock: false);
}
