using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using SocketChat.Hosting.CommandLine;
using SocketChat.Hosting.Logging;
using SocketChat.Hosting.Options;
using SocketChat.Hosting.Terminal;

namespace SocketChat.Client;

internal static class ClientApp
{
    public const string DefaultLogPath = "logs/socketchat-client-.log";

    public static async Task<int> RunAsync(string[] args)
    {
        // Until the host is up, problems go to stderr; after that the log goes to a file, never the chat screen.
        Log.Logger = new LoggerConfiguration().WriteTo.Console(standardErrorFromLevel: Serilog.Events.LogEventLevel.Verbose).CreateBootstrapLogger();
        await using var console = new ConsoleBridge(new SystemTerminal(), ClientHost.Prompt);
        try
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
            {
                Args = PositionalArguments.Expand(args, "client", "Chat:Host", "Chat:Port"),
                // appsettings.json is copied next to the binary; find it whatever the working directory.
                ContentRootPath = AppContext.BaseDirectory,
            });
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
        }
        catch (Exception ex) when (StartupErrors.TryDescribe(ex, out var lines))
        {
            foreach (var line in lines)
            {
                await Console.Error.WriteLineAsync(line);
            }

            return StartupErrors.BadSettingExitCode;
        }
        catch (Exception ex)
        {
            Log.Fatal(ex, "The client stopped unexpectedly");
            return 1;
        }
        finally
        {
            await Log.CloseAndFlushAsync();
        }
    }
}
