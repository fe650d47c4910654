using System.Text;

namespace SocketChat.Hosting.Terminal;

// Reads a password: at a terminal without echoing it, from a pipe as the next line.
public static class SecretInput
{
    // The line typed after prompt; null at end of input or on Ctrl+C.
    public static string? Read(ITerminal terminal, string prompt)
    {
        if (terminal.IsInputRedirected)
        {
            return terminal.ReadLine();
        }

        terminal.Write(prompt);
        var typed = new StringBuilder();
        while (true)
        {
            var key = terminal.ReadKey();
            var control = (key.Modifiers & ConsoleModifiers.Control) != 0;
            switch (key.Key)
            {
                case ConsoleKey.Enter:
                    terminal.Write(Environment.NewLine);
                    return typed.ToString();
                case ConsoleKey.C when control:
                case ConsoleKey.D when control && typed.Length == 0:
                    terminal.Write(Environment.NewLine);
                    return null;
                case ConsoleKey.U when control:
                    typed.Clear();
                    break;
                case ConsoleKey.Backspace when typed.Length > 0:
                    typed.Length--;
                    break;
                default:
                    if (!control && !char.IsControl(key.KeyChar) && key.KeyChar != '\0')
                    {
                        typed.Append(key.KeyChar);
                    }

                    break;
            }
        }
    }
}
