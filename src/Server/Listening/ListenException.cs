using SocketChat.Hosting.Options;

namespace SocketChat.Server.Listening;

// The listen socket could not be bound; the message says where and why, for one line on stderr.
internal sealed class ListenException(string message, Exception inner) : Exception(message, inner), IReportedAtStartup
{
    // A port in use or a host that does not resolve: something the settings name.
    public int ExitCode => StartupErrors.BadSettingExitCode;
}
