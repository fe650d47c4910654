using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketChat.Hosting.Terminal;
using SocketChat.Protocol.Text;
using SocketChat.Server.Listening;
using SocketChat.Server.Logging;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Rooms;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Operator;

// The seed's server terminal: typed lines go to every client as server: TEXT; exit stops the server. A line
// starting with / is a moderation command, the console being a server operator (/kick #ROOM NICK, /ban MASK for the
// whole server or /ban #ROOM MASK for one room, /topic #ROOM TEXT, /mute, /kill NICK…); // sends a line starting with /.
// End of input stops only this console: under systemd or in a container the server keeps running.
internal sealed class OperatorConsoleService(
    IConsoleBridge console,
    OperatorDisplay display,
    ChatServerService server,
    MessageLog log,
    SessionModeration moderation,
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

        display.Show("Type a line to send it to every client as 'server', /kick #ROOM NICK, /ban [#ROOM] MASK [TIME], /topic #ROOM TEXT, /mute, /kill NICK… to moderate, or 'exit' to stop the server.");

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

                if (text.StartsWith('/') && !text.StartsWith("//", StringComparison.Ordinal))
                {
                    await ModerateAsync(text);
                    continue;
                }

                if (text.StartsWith("//", StringComparison.Ordinal))
                {
                    text = text[1..];
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

    // A moderation command from the console: the server itself acting, above every room's rules; what it does is
    // shown as every member sees it, and a refusal as "! error: …".
    private async Task ModerateAsync(string line)
    {
        void Reply(ServerEvent answer)
        {
            if (TextEventWriter.Format(answer) is { } shown)
            {
                display.Show(shown);
            }
        }

        switch (TextCommandParser.Parse(line))
        {
            case ModerateCommand command when await moderation.HandleAsync(new Moderator(ChatNames.Server, ServerOperator: true, Session: null, Reply), command) is { } refused:
                display.Show($"! error: {refused.Message}");
                break;
            case ModerateCommand:
                break;
            case InvalidCommand invalid:
                display.Show($"! error: {invalid.Message}");
                break;
            default:
                display.Show("! error: the console takes moderation commands (/kick, /ban, /unban, /mute, /unmute, /topic, /op, /deop, /voice, /devoice, /mode, /invite, /kill, /bans, /wallops); // starts a line with /");
                break;
        }
    }
}
