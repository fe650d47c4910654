using System.Text;
using SocketChat.Protocol.Irc;
using SocketChat.Protocol.Text;

namespace SocketChat.Server.Irc;

// Text a client gives besides its messages (a real name, an away message, a PART or QUIT reason) treated as message
// text is: no control characters, invisible and bidi characters shown as code points, and cut to fit.
internal static class IrcText
{
    // A field as it is kept: cleaned, at most maxBytes bytes of UTF-8.
    public static string Field(string raw, int maxBytes) =>
        Cut(InvisibleText.Reveal(TextSanitizer.RemoveControlCharacters(raw)), maxBytes);

    // head then text shown safely and cut so the line fits IRC's 512 bytes.
    public static string Fit(string head, string text) =>
        head + Cut(InvisibleText.Reveal(TextSanitizer.RemoveControlCharacters(text)), IrcMessage.MaxBodyBytes - 2 - Encoding.UTF8.GetByteCount(head));

    // At whole characters.
    private static string Cut(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            return text;
        }

        var cut = new StringBuilder();
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                break;
            }

            cut.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }

        return cut.ToString();
    }
}
