using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;
using SocketChat.Hosting.CommandLine;
using SocketChat.Hosting.Logging;
using SocketChat.Hosting;
using SocketChat.Hosting.Terminal;
using Microsoft.Extensions.Options;
using SocketChat.Server.Accounts;
using SocketChat.Server.Configuration;
using SocketChat.Server.Storage;
using SocketChat.Server.Supervision;
using SocketChat.Server.Probe;

namespace SocketChat.Server;

internal static class ServerApp
{
    public const string DefaultOperatorLogPath = "logs/socketchat-server-.log";

    private const string Usage = """
        SocketChat server: a chat for nc, telnet, IRC clients, browsers and the SocketChat client, in the same rooms.

        usage: SocketChat.Server [PORT] [--Chat:KEY=VALUE ...]    run the server (port 8080 unless given)
               SocketChat.Server users add|passwd|remove|list|op|deop  manage accounts (and server operators)
               SocketChat.Server export --room ROOM [--since TIME] print a room's history and moderation
               SocketChat.Server bans list|remove [MASK] [--room ROOM]
                                                                  list or lift bans with the server stopped
               SocketChat.Server --probe                          exit 0 when the server here answers and is well
               SocketChat.Server --help | --version

        Common settings (also from appsettings.json, or the environment as Chat__KEY):
          --Chat:Host=ADDRESS             where to listen; * (the default) is every interface
          --Chat:Port=PORT                the chat port, for nc, telnet and the client (8080)
          --Chat:DataDirectory=DIR        where the messages and accounts are kept
          --Chat:Auth:Mode=password       accounts only (add them with: users add NAME)
          --Chat:Tls:CertificatePath=FILE TLS on the chat port (and Chat:Irc:TlsPort, Chat:Web:TlsPort)
          --Chat:Irc:Port=PORT            an IRC listener (6667 is usual)
          --Chat:Web:Port=PORT            the browser client
          --Chat:Storage:Provider=Redis --Chat:Storage:Redis=HOST:PORT   cluster mode
          --Log:Format=json               one JSON object per log event

        Every setting, the protocol and how to run it in production: README.md in the source.

        """;

    // The exit code when the server stopped with messages its store could not take.
    public const int UnstoredExitCode = HostOutcome.UnstoredExitCode;

    public static Task<int> RunAsync(string[] args) => ProgramRunner.RunAsync("The server", async () =>
    {
        if (args.Length > 0 && args[0] == UsersCommand.Word)
        {
            var (words, settings) = UsersCommand.Split(args);
            return UsersCommand.Run(words, SubcommandConfiguration(settings), new SystemTerminal(), Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == ExportCommand.Word)
        {
            var (room, since, settings) = ExportCommand.Split(args);
            return ExportCommand.Run(room, since, SubcommandConfiguration(settings), options => ServerHost.CreateStore(options, export: true), Console.Out, Console.Error);
        }

        if (args.Length > 0 && args[0] == Operator.BansCommand.Word)
        {
            var (words, room, settings) = Operator.BansCommand.Split(args);
            return Operator.BansCommand.Run(words, room, SubcommandConfiguration(settings), options => ServerHost.CreateStore(options, export: true), Console.Out, Console.Error);
        }

        if (ArgumentCheck.WantsHelp(args))
        {
            await Console.Out.WriteAsync(Usage);
            return 0;
        }

        if (ArgumentCheck.WantsVersion(args))
        {
            await Console.Out.WriteLineAsync(ArgumentCheck.Version(typeof(ServerApp).Assembly));
            return 0;
        }

        var probe = args.Contains(HealthProbe.Switch);
        var expanded = PositionalArguments.Expand([.. args.Where(arg => arg != HealthProbe.Switch)], "server", "Chat:Port");
        ArgumentCheck.ThrowIfAny(ArgumentCheck.Problems(expanded));
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = expanded,
            // appsettings.json is copied next to the binary; find it whatever the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });
        if (probe)
        {
            return await HealthProbe.RunAsync(builder.Configuration, Console.Out);
        }

        await using var console = new ConsoleBridge(new SystemTerminal());
        ConfigureLogging(builder, console);
        builder.Services.AddChatServer(console);
        builder.Services.AddSystemdNotify();

        using var host = builder.Build();
        var outcome = HostOutcome.Of(host.Services);
        await host.RunAsync();
        return outcome.ExitCode;
    });

    // The same settings sources as the server (appsettings.json beside the binary, environment, switches), no host.
    private static ConfigurationManager SubcommandConfiguration(string[] settings) =>
        Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { Args = settings, ContentRootPath = AppContext.BaseDirectory }).Configuration;

    private static void ConfigureLogging(HostApplicationBuilder builder, IConsoleBridge console)
    {
        var logOptions = LogSetup.ReadOptions(builder.Configuration);
        var operatorConsole = ServerHost.OperatorConsoleOn(builder.Configuration["Chat:OperatorConsole"], console);

        // With an operator console the terminal shows the chat; the full log goes to a file so nothing appears twice,
        // and only warnings and errors reach the terminal (on stderr). Otherwise stdout carries the log alone.
        var filePath = logOptions.Path is { Length: > 0 } configured
            ? LogSetup.ResolvePath(configured)
            : operatorConsole ? LogSetup.ResolvePath(DefaultOperatorLogPath) : null;
        builder.Logging.ClearProviders();
        builder.Services.AddSingleton(new Logging.LogDestination(
            filePath is not null ? (operatorConsole ? $"{filePath} (warnings on standard error too)" : filePath) : "standard output"));
        builder.Services.AddSerilog((services, logger) =>
        {
            // The node's name as the rest of the server has it (a random part is picked once); settings that fail
            // validation are reported when the host starts, in one line, so the log goes without a name until then.
            var chat = NodeSettings(services);
            LogSetup.Configure(
                logger,
                builder.Configuration,
                logOptions,
                operatorConsole ? LogEventLevel.Warning : LogEventLevel.Verbose,
                consoleToStandardError: operatorConsole,
                filePath,
                chat?.Node,
                nodeInText: chat is { Storage.Provider: StorageProvider.Redis } or { NodeName.Length: > 0 });
        });
    }

    private static ChatOptions? NodeSettings(IServiceProvider services)
    {
        try
        {
            return services.GetRequiredService<IOptions<ChatOptions>>().Value;
        }
        catch (Exception ex) when (ex is OptionsValidationException or InvalidOperationException)
        {
            // A value of the wrong type (InvalidOperationException from the binder) is reported the same way.
            return null;
        }
    }
}
