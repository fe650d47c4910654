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

    public static Task<int> RunAsync(string[] args) => ProgramRunner.RunAsync("The client", async () =>
    {
        await using var console = new ConsoleBridge(new SystemTerminal(), ClientHost.Prompt);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = PositionalArguments.Expand(args, "client", "Chat:Host", "Chat:Port"),
            // appsettings.json is copied next to the binary; find it whatever the working directory.
            ContentRootPath = AppContext.BaseDirectory,
        });

        // The log goes to a file, never to the chat screen.
        var logOptions = LogSetup.ReadOptions(builder.Configuration);
        var logPath = LogSetup.ResolvePath(logOptions.Path is { Length: > 0 } configured ? configured : DefaultLogPath);
        builder.Logging.ClearProviders();
        builder.Services.AddSerilog((_, logger) => LogSetup.Configure(
            logger, builder.Configuration, logOptions, consoleMinimum: null, consoleToStandardError: true, logPath));
        builder.Services.AddChatClient(console);

        using var host = builder.Build();
        var exit = host.Services.GetRequiredService<ClientExit>();
        await host.RunAsync();
        return exit.Code;
    });
}
