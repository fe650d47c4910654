using System.Globalization;
using System.Text;
using SocketChat.Protocol.Text;

namespace SocketChat.Hosting.Terminal;

// Makes text from peers harmless to show: nothing in it can act on the terminal.
public static class TerminalText
{
    // Replaces every control character with a visible placeholder: C0 and DEL in caret notation (ESC is ^[),
    // C1 as <U+009B>, and the invisible and bidirectional characters of InvisibleText
    // likewise. No escape sequence, cursor movement, colour change, forged line, reordered or blank-looking line
    // survives; tab is kept.
    public static string Neutralize(string text)
    {
        text = InvisibleText.Reveal(text);
        var clean = true;
        foreach (var c in text)
        {
            if (IsDangerous(c))
            {
                clean = false;
                break;
            }
        }

        if (clean)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 8);
        foreach (var c in text)
        {
            if (!IsDangerous(c))
            {
                builder.Append(c);
            }
            else if (c < 0x20)
            {
                builder.Append('^').Append((char)(c + 0x40));
            }
            else if (c == 0x7f)
            {
                builder.Append("^?");
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"<U+{(int)c:X4}>");
            }
        }

        return builder.ToString();
    }

    private static bool IsDangerous(char c) => c != '\t' && char.IsControl(c);
}
