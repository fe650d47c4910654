using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SocketChat.Server.Storage;

namespace SocketChat.Server;

// The server's exit code once its host has stopped: a supervisor restarts on failure only if told of it. Taken from
// the services before the host runs (running disposes them); the host itself logs which service failed, and why.
internal sealed class HostOutcome(IReadOnlyList<BackgroundService> services, MessageLog log)
{
    // The exit code when a background service failed and so stopped the host.
    public const int FailedExitCode = 1;

    // The exit code when the server stopped with messages its store could not take.
    public const int UnstoredExitCode = 3;

    public static HostOutcome Of(IServiceProvider services) =>
        new([.. services.GetServices<IHostedService>().OfType<BackgroundService>()], services.GetRequiredService<MessageLog>());

    public int ExitCode =>
        services.Any(service => service.ExecuteTask is { IsFaulted: true }) ? FailedExitCode
        // Messages the store never took (it kept failing until the end).
        : log.Unstored > 0 ? UnstoredExitCode
        : 0;
}
