namespace SocketChat.Hosting.Terminal;

// System.Console as an ITerminal; the only type that touches it.
public sealed class SystemTerminal : ITerminal
{
    public bool IsInputRedirected => Console.IsInputRedirected;

    public bool IsOutputRedirected => Console.IsOutputRedirected;

    public bool IsForeground => !Console.IsInputRedirected && ForegroundCheck.IsForeground();

    public string? ReadLine() => Console.In.ReadLine();

    public ConsoleKeyInfo ReadKey()
    {
        // Ctrl+C is the user's way out of the chat: the editor turns it into end of input, a clean close.
        Console.TreatControlCAsInput = true;
        return Console.ReadKey(intercept: true);
    }

    public void Write(string text)
    {
        Console.Out.Write(text);
        Console.Out.Flush();
    }
}
