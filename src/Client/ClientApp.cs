using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using SocketChat.Hosting.CommandLine;
using SocketChat.Hosting.Logging;
using SocketChat.Hosting;
using SocketChat.Hosting.Terminal;

namespace SocketChat.Client;

internal static class ClientApp
{
    public const string DefaultLogPath = "logs/socketchat-client-.log";

    private const string Usage = """
        SocketChat client: a terminal chat client for a SocketChat server.

        usage: SocketChat.Client [HOST [PORT]] [--Chat:KEY=VALUE ...]   connect (127.0.0.1 8080 unless given)
               SocketChat.Client --help | --version

        Common settings (also from appsettings.json, or the environment as Chat__KEY):
          --Chat:Host=HOST                the server
          --Chat:Port=PORT                its chat port (8080)
          --Chat:Nick=NAME                the nickname to take on arrival
          --Chat:Servers=HOST:PORT,...    servers to fail over between (cluster mode)
          --Chat:Tls:Enabled=true         TLS (Chat:Tls:CaPath=FILE for a private CA)
          --Chat:PasswordFile=FILE        log in with the password in FILE (servers with accounts)

        In the chat, /help lists the commands. Every setting: README.md in the source.

        """;

    public static Task<int> RunAsync(string[] args) => ProgramRunner.RunAsync("The client", async () =>
    {
        if (ArgumentCheck.WantsHelp(args))
        {
            await Console.Out.WriteAsync(Usage);
            return 0;
        }

        if (ArgumentCheck.WantsVersion(args))
        {
            await Console.Out.WriteLineAsync(ArgumentCheck.Version(typeof(ClientApp).Assembly));
            return 0;
        }

        var expanded = PositionalArguments.Expand(args, "client", "Chat:Host", "Chat:Port");
        ArgumentCheck.ThrowIfAny(ArgumentCheck.Problems(expanded));
        await using var console = new ConsoleBridge(new SystemTerminal(), ClientHost.Prompt);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = expanded,
            // appsettings.json is copied next to the binary; find it whatever the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The log goes to a file, never to the chat screen.
        var logOptions = LogSetup.ReadOptions(builder.Configuration);
        var logPath = LogSetup.ResolvePath(logOptions.Path is { Length: > 0 } configured ? configured : DefaultLogPath);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((_, logger) => LogSetup.Configure(
            logger, builder.Configuration, logOptions, consoleMinimum: null, consoleToStandardError: true, logPath, sharedFile: true));
        builder.Services.AddChatClient(console);

        using var host = builder.Build();
        var exit = host.Services.GetRequiredService<ClientExit>();
        await host.RunAsync();
        return exit.Code;
    });
}
