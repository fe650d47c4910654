using SocketChat.Server.Cluster;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Tests.Storage;

public sealed class RedisMessageStoreTests
{
    [Fact]
    public void Location_NamesTheServer_NeverThePassword()
    {
        using var store = new RedisMessageStore("127.0.0.1:6390,password=hunter2,connectTimeout=500", "n1", requireAtStart: false);

        Assert.DoesNotContain("hunter2", store.Location, StringComparison.Ordinal);
        Assert.StartsWith("127.0.0.1:6390", store.Location, StringComparison.Ordinal);
        Assert.Equal($"cannot reach Redis at {store.Location}", store.Problem);
    }
}
