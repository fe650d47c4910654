using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Systemd;

namespace SocketChat.Server.Supervision;

internal static class SystemdIntegration
{
    private const string NotifySocket = "NOTIFY_SOCKET";

    // Under systemd (Type=notify) the server reports READY=1 once it listens and STOPPING=1 when it stops.
    // AddSystemd only switches on when systemd is the parent process; a supervisor that sets NOTIFY_SOCKET
    // without being systemd (s6, some container runtimes, our tests) asks for the same protocol, so it gets it too.
    public static void AddSystemdNotify(this IServiceCollection services)
    {
        services.AddSystemd();
        if (!SystemdHelpers.IsSystemdService() && !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NotifySocket)))
        {
            services.AddSingleton<ISystemdNotifier, SystemdNotifier>();
            services.AddSingleton<IHostLifetime, SystemdLifetime>();
        }
    }
}
