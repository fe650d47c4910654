using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketChat.Hosting.Terminal;
using SocketChat.Protocol.Text;
using SocketChat.Server.Listening;
using SocketChat.Server.Logging;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Operator;

// The seed's server terminal: typed lines go to every client as server: TEXT; exit stops the server.
// End of input stops only this console: under systemd or in a container the server keeps running.
internal sealed class OperatorConsoleService(
    IConsoleBridge console,
    OperatorDisplay display,
    ChatServerService server,
    MessageLog log,
    IHostApplicationLifetime lifetime,
    ILogger<OperatorConsoleService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!display.Enabled)
        {
            return;
        }

        ServerLog.OperatorConsoleOn(logger);
        foreach (var endPoint in server.EndPoints)
        {
            display.Show($"Server is listening {endPoint}");
        }

        foreach (var line in server.Summary)
        {
            display.Show(line);
        }

        display.Show("Type a line to send it to every client as 'server', or 'exit' to stop the server.");

        // However the server is stopped ('exit', Ctrl+C, SIGTERM), the operator sees it.
        using var stopping = lifetime.ApplicationStopping.Register(() => display.Show("Shutting down..."));
        try
        {
            await foreach (var line in console.Input.ReadAllAsync(stoppingToken))
            {
                var text = TextSanitizer.RemoveControlCharacters(line).Trim();
                if (text.Equals("exit", StringComparison.OrdinalIgnoreCase))
                {
                    lifetime.StopApplication();
                    return;
                }

                if (text.Length > 0)
                {
                    // Stored, then delivered to everyone and logged by the log reader; the console needs no answer.
                    _ = log.AppendAsync(new Draft(MessageKind.Announcement, null, ChatNames.Server, null, text));
                }
            }

            ServerLog.OperatorInputEnded(logger);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The host is stopping.
        }
    }
}
