using SocketChat.Server.Storage;

namespace SocketChat.Server.Tests.Storage;

/// <summary>The store contract in memory.</summary>
public sealed class MemoryStoreContractTests : MessageStoreContract
{
    private protected override IMessageStore Create() => new MemoryMessageStore(100);
}
