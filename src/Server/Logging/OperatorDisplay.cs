using Microsoft.Extensions.Options;
using SocketChat.Hosting.Terminal;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Logging;

// The operator's view of the chat, shown only when the operator console is on.
internal sealed class OperatorDisplay(IConsoleBridge console, IOptions<ChatOptions> options)
{
    public bool Enabled { get; } = IsOn(options.Value.OperatorConsole, console);

    // On, off, or (Auto) on when standard input and output are a terminal and the server is not a background job:
    // `server > server.log &` must neither stop on the terminal nor write the chat into its log.
    public static bool IsOn(OperatorConsoleMode mode, IConsoleBridge console) => mode switch
    {
        OperatorConsoleMode.On => true,
        OperatorConsoleMode.Off => false,
        _ => console.IsInteractive,
    };

    // A line someone said, as the operator sees it: alice (1.2.3.4:5) [lobby]: hi, or * alice (…) [lobby] waves for /me.
    public static string Said(string from, string remote, string where, string text) =>
        text.StartsWith("/me ", StringComparison.Ordinal)
            ? $"* {from} ({remote}) {where} {text[4..]}"
            : $"{from} ({remote}) {where}: {text}";

    // TryWrite: a stalled terminal drops display lines rather than stalling the chat. The lines carry what peers
    // sent, so the operator's terminal gets them neutralised like any user's.
    public void Show(string line)
    {
        if (Enabled)
        {
            console.Output.TryWrite(TerminalText.Neutralize(line));
        }
    }
}
