namespace SocketChat.Protocol.Text;

/// <summary>Keeps peer text from acting on another user's terminal.</summary>
public static class TextSanitizer
{
    /// <summary>
    /// Removes every control character (C0, DEL, C1) except tab. Without ESC and CSI no escape
    /// sequence can survive, and without CR/LF no peer can forge a line of its own.
    /// </summary>
    public static string RemoveControlCharacters(string text)
    {
        var index = IndexOfControl(text);
        if (index < 0)
        {
            return text;
        }

        return string.Create(text.Length - CountControls(text, index), (text, index), static (span, state) =>
        {
            var (source, first) = state;
            source.AsSpan(0, first).CopyTo(span);
            var written = first;
            for (var i = first; i < source.Length; i++)
            {
                if (!IsRemoved(source[i]))
                {
                    span[written++] = source[i];
                }
            }
        });
    }

    private static int IndexOfControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsRemoved(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    private static int CountControls(string text, int from)
    {
        var count = 0;
        for (var i = from; i < text.Length; i++)
        {
            if (IsRemoved(text[i]))
            {
                count++;
            }
        }

        return count;
    }

    private static bool IsRemoved(char c) => c != '\t' && char.IsControl(c);
}
