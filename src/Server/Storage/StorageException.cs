using SocketChat.Hosting.Options;

namespace SocketChat.Server.Storage;

// The store cannot be opened; the message names the path and what is wrong, for one line on stderr.
internal sealed class StorageException(string message, Exception? inner = null) : Exception(message, inner), IReportedAtStartup
{
    public int ExitCode => StartupErrors.BadSettingExitCode;
}
