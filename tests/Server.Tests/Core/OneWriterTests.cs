using SocketChat.Server.Storage;

namespace SocketChat.Server.Tests.Core;

// A store has one writer: the log's. Messages, identities and account state (devices' places, read markers) are all
// written by MessageLog's writer task; read loops never write to the store beside it (the bans subcommand, run
// offline with no server, appends its one unban directly).
public sealed class OneWriterTests
{
    [Fact]
    public void StoreWrites_AreMadeByTheLogsWriterAlone()
    {
        string[] writes = [nameof(IMessageStore.AppendAsync), nameof(IMessageStore.SaveAccountStateAsync)];
        var callers = Il.CallersOf(typeof(IMessageStore), writes).Select(type => type.Name).Distinct().Order(StringComparer.Ordinal);
        Assert.Equal(["BansCommand", "MessageLog"], callers);
    }
}
