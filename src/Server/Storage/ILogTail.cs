using System.Threading.Channels;

namespace SocketChat.Server.Storage;

// A log shared by several servers (cluster mode), read back from the store: every server's entries, this one's
// included, in the log's order. A store that has one delivers through it; a local store's writer hands what it
// stored to the reader itself.
internal interface ILogTail
{
    // Follows the log into committed, surviving every failure, until stopping
    // fires; then reads once more (this server's last lines) and completes committed.
    Task FollowAsync(ChannelWriter<IReadOnlyList<StoredMessage>> committed, StoreHealth health, CancellationToken stopping);
}
