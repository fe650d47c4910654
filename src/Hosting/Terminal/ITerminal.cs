namespace SocketChat.Hosting.Terminal;

/// <summary>The raw terminal under <see cref="ConsoleBridge"/>: keys in, text (with escape codes) out.</summary>
public interface ITerminal
{
    bool IsInputRedirected { get; }

    bool IsOutputRedirected { get; }

    /// <summary>True when this process may use the terminal: it is in the terminal's foreground process group (not a background job).</summary>
    bool IsForeground { get; }

    /// <summary>Reads a line in the terminal's own cooked mode; null at end of input.</summary>
    string? ReadLine();

    /// <summary>Reads one key without echoing it; Ctrl+C arrives as a key.</summary>
    ConsoleKeyInfo ReadKey();

    void Write(string text);
}
