using System.Threading.Channels;

namespace SocketChat.Server.Storage;

/// <summary>
/// A log shared by several servers (cluster mode), read back from the store: every server's entries, this one's
/// included, in the log's order. A store that has one delivers through it; a local store's writer hands what it
/// stored to the reader itself.
/// </summary>
internal interface ILogTail
{
    /// <summary>
    /// Follows the log into <paramref name="committed"/>, surviving every failure, until <paramref name="stopping"/>
    /// fires; then reads once more (this server's last lines) and completes <paramref name="committed"/>.
    /// </summary>
    Task FollowAsync(ChannelWriter<IReadOnlyList<StoredMessage>> committed, StoreHealth health, CancellationToken stopping);
}
