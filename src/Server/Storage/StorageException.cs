using SocketChat.Hosting.Options;

namespace SocketChat.Server.Storage;

/// <summary>The store cannot be opened; the message names the path and what is wrong, for one line on stderr.</summary>
internal sealed class StorageException(string message, Exception? inner = null) : Exception(message, inner), IReportedAtStartup
{
    public int ExitCode => StartupErrors.BadSettingExitCode;
}
