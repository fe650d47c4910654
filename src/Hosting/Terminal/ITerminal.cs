namespace SocketChat.Hosting.Terminal;

// The raw terminal under ConsoleBridge: keys in, text (with escape codes) out.
public interface ITerminal
{
    bool IsInputRedirected { get; }

    bool IsOutputRedirected { get; }

    // True when this process may use the terminal: it is in the terminal's foreground process group (not a background job).
    bool IsForeground { get; }

    // Reads a line in the terminal's own cooked mode; null at end of input.
    string? ReadLine();

    // Reads one key without echoing it; Ctrl+C arrives as a key.
    ConsoleKeyInfo ReadKey();

    void Write(string text);
}
