using System.Buffers;
using System.Globalization;
using System.Text;

namespace SocketChat.Protocol.Text;

/// <summary>
/// Characters that show nothing themselves but change how a line looks: bidirectional embeddings, overrides and
/// isolates, which can make a line display in another order than it reads (the "Trojan Source" trick); zero-width
/// spaces, joiners and marks, which can make a line look empty or two strings look alike; and line and paragraph
/// separators, which some terminals break on. Text shown to a person makes them visible as <c>&lt;U+202E&gt;</c>.
/// </summary>
public static class InvisibleText
{
    private const char ZeroWidthJoiner = '\u200D';

    private static readonly SearchValues<char> Invisible = SearchValues.Create(
        "\u061C\u180E\u200B\u200C\u200D\u200E\u200F\u2028\u2029\u202A\u202B\u202C\u202D\u202E"
        + "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\u206A\u206B\u206C\u206D\u206E\u206F\uFEFF\uFFF9\uFFFA\uFFFB");

    /// <summary>True when <paramref name="c"/> is one of the characters this class makes visible.</summary>
    public static bool IsInvisible(char c) => Invisible.Contains(c);

    /// <summary>
    /// <paramref name="text"/> with every invisible character replaced by <c>&lt;U+XXXX&gt;</c>, except a zero-width
    /// joiner inside an emoji sequence (👨‍👩‍👧), where it only joins pictures; the same string when there is none.
    /// </summary>
    public static string Reveal(string text)
    {
        var first = text.AsSpan().IndexOfAny(Invisible);
        if (first < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16).Append(text, 0, first);
        for (var i = first; i < text.Length; i++)
        {
            var c = text[i];
            if (!Invisible.Contains(c) || (c == ZeroWidthJoiner && JoinsEmoji(text, i)))
            {
                builder.Append(c);
            }
            else
            {
                builder.Append(CultureInfo.InvariantCulture, $"<U+{(int)c:X4}>");
            }
        }

        return builder.ToString();
    }

    // A joiner between two pictographs: after an astral character (its low surrogate), an emoji presentation selector
    // or a symbol of U+2600-U+27BF, and before an astral character or such a symbol.
    private static bool JoinsEmoji(string text, int at) =>
        at > 0 && at < text.Length - 1
        && (char.IsLowSurrogate(text[at - 1]) || text[at - 1] == '\uFE0F' || IsSymbol(text[at - 1]))
        && (char.IsHighSurrogate(text[at + 1]) || IsSymbol(text[at + 1]));

    private static bool IsSymbol(char c) => c is >= '\u2600' and <= '\u27BF';
}
