using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SocketChat.Hosting.Options;
using SocketChat.Hosting.Terminal;
using Microsoft.Extensions.Logging;
using SocketChat.Server.Accounts;
using SocketChat.Server.Cluster;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Listening;
using SocketChat.Server.Operator;
using SocketChat.Server.Rooms;
using SocketChat.Server.Reloading;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;
using SocketChat.Server.Tls;
using SocketChat.Server.Logging;

namespace SocketChat.Server;

// The server's services, shared by Program and the tests' hosts.
internal static class ServerHost
{
    public static void AddChatServer(this IServiceCollection services, IConsoleBridge console)
    {
        // DataAnnotations validation worded as "Chat:Port=70000 is not allowed: ..." (key, value, what is allowed).
        services.AddOptions<ChatOptions>().BindConfiguration(ChatOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChatOptions>>(new SettingsValidator<ChatOptions>(ChatOptions.SectionName));
        services.AddSingleton<IValidateOptions<ChatOptions>, SecurityFilesValidator>();
        services.AddSingleton<IValidateOptions<ChatOptions>, PortsValidator>();
        services.AddSingleton<IValidateOptions<ChatOptions>, KnownSettingsValidator<ChatOptions>>();

        // The connections get the grace period to flush, then the store gets it to take what is left; the host's
        // own limit (30 s by default) must not cut either short.
        services.AddOptions<HostOptions>().Configure<IOptions<ChatOptions>>((host, chat) =>
            host.ShutdownTimeout = TimeSpan.FromSeconds((2 * chat.Value.ShutdownGraceSeconds) + 10));

        services.AddSingleton(console);
        services.AddMetrics();
        services.AddSingleton(provider => new ServerMetrics(
            provider.GetRequiredService<IMeterFactory>(), provider.GetRequiredService<IOptions<ChatOptions>>().Value.Node));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(provider => CreateStore(provider.GetRequiredService<IOptions<ChatOptions>>().Value, export: false));

        // Cluster mode: what the log stores comes back through Redis's tail, every node's entries in log order.
        services.AddSingleton<ILogTail>(provider => provider.GetRequiredService<IMessageStore>() is RedisMessageStore shared
            ? new RedisLogTail(shared, provider.GetRequiredService<TimeProvider>(), provider.GetRequiredService<ILogger<RedisLogTail>>())
            : null!);
        services.AddSingleton<StoreHealth>();
        services.AddSingleton<ILineJudge, LineJudge>();
        services.AddSingleton<MessageLog>();
        services.AddSingleton<RoomHistory>();
        services.AddSingleton<AccountPlaces>();
        services.AddSingleton<NickWatch>();
        services.AddSingleton<RoomDirectory>();
        services.AddSingleton<Users>();
        services.AddSingleton<LogReader>();
        services.AddSingleton<RecentNames>();
        services.AddSingleton<Moderation>();
        services.AddSingleton<ModerationPace>();
        services.AddSingleton<SessionModeration>();
        services.AddSingleton<INameRegistry>(provider => provider.GetRequiredService<IMessageStore>() is RedisMessageStore shared
            ? new RedisNames(shared)
            : new LocalNames());
        services.AddSingleton<RoomFanout>();
        services.AddSingleton<OperatorDisplay>();
        services.AddSingleton(provider => new MessageEvents(provider.GetService<Serilog.ILogger>() ?? Serilog.Log.Logger));
        services.AddSingleton<ResumeRegistry>();
        services.AddSingleton<Budget.WorkBudget>();
        services.AddSingleton<AccountStore>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<SessionDoor>();
        services.AddSingleton<SessionLifecycle>();
        services.AddSingleton<SessionLogin>();
        services.AddSingleton<SessionMessages>();
        services.AddSingleton<SessionCommands>();
        services.AddSingleton<Irc.IrcRegistration>();
        services.AddSingleton<Irc.IrcChannels>();
        services.AddSingleton<Irc.IrcModeration>();
        services.AddSingleton<Irc.IrcChatHistory>();
        services.AddSingleton<Irc.IrcReadMarkers>();
        services.AddSingleton<Irc.IrcMonitor>();
        services.AddSingleton<Irc.IrcCommands>();
        services.AddSingleton<Lines.LineProtocol>();
        services.AddSingleton<ListenerPorts>();
        services.AddSingleton<ConnectionAdmission>();
        services.AddSingleton<FloodControl>();
        services.AddSingleton<CertificateStore>();
        services.AddSingleton<TlsGate>();
        services.AddSingleton<ConnectionTracker>();

        // The data directory is this server's first; the certificate and the accounts are loaded, and the store
        // opened, before the listeners open; the store stops last, after every connection has closed, so what they
        // sent is stored and delivered.
        services.AddSingleton<DataDirectoryLock>();
        services.AddHostedService(provider => provider.GetRequiredService<DataDirectoryLock>());
        services.AddHostedService<ReloadService>();
        services.AddHostedService<AccountRemovals>();

        // The reader before the log: hosted services stop in reverse, so it delivers (and logs) what the log stores
        // on its way down, and ends when the log does.
        services.AddHostedService(provider => provider.GetRequiredService<LogReader>());
        services.AddHostedService(provider => provider.GetRequiredService<MessageLog>());
        services.AddHostedService<NodeClaim>();
        services.AddHostedService<RetentionService>();
        services.AddHostedService<SearchIndexing>();
        services.AddHostedService<StoreNotices>();
        services.AddHostedService<NameLeases>();
        services.AddHostedService<IdleSweep>();

        // Registered before the operator console so the listeners are bound when it prints where they are.
        // Before the chat listener, so it stops after it: the chat's shutdown tells the browsers, then Kestrel stops.
        services.AddSingleton<Web.WebApp>();
        services.AddSingleton<Web.WebListener>();
        services.AddHostedService(provider => provider.GetRequiredService<Web.WebListener>());
        services.AddSingleton<Web.MetricsListener>();
        services.AddHostedService(provider => provider.GetRequiredService<Web.MetricsListener>());
        services.AddSingleton<ChatServerService>();
        services.AddHostedService(provider => provider.GetRequiredService<ChatServerService>());
        services.AddHostedService<OperatorConsoleService>();
    }

    // The store the settings name: the server's, or (export) one the export subcommand reads.
    public static IMessageStore CreateStore(ChatOptions options, bool export) => options.Storage.Provider switch
    {
        StorageProvider.Memory => new MemoryMessageStore(options.HistoryPerRoom),
        StorageProvider.Redis when export => new RedisMessageStore(options.Storage.Redis, "export", requireAtStart: true),
        StorageProvider.Redis => new RedisMessageStore(options.Storage.Redis, options.Node, options.Storage.RequireAtStart, options.Run, waitForReplicas: options.Storage.WaitForReplicas),
        _ => new SqliteMessageStore(ServerPaths.StorageFile(options)),
    };

    // Whether the operator console will be on, decided before the host exists so logging can be routed.
    public static bool OperatorConsoleOn(string? configured, IConsoleBridge console) =>
        OperatorDisplay.IsOn(Enum.TryParse<OperatorConsoleMode>(configured, ignoreCase: true, out var mode) ? mode : OperatorConsoleMode.Auto, console);
}
