namespace SocketChat.Hosting.Options;

// Marks an exception the program reports itself as one clear line (a port in use, an unknown host),
// so the host's own log of it, stack trace and all, is left out.
public interface IReportedAtStartup
{
    // The exit code: 1 by default, 2 when the cause is something the settings name (a bad path).
    int ExitCode => 1;
}
