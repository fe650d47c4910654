using SocketChat.Server.Storage;

namespace SocketChat.Server.Tests.Storage;

// The store contract in memory.
public sealed class MemoryStoreContractTests : MessageStoreContract
{
    private protected override IMessageStore Create() => new MemoryMessageStore(100);
}
