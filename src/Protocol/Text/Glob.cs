namespace SocketChat.Protocol.Text;

/// <summary>IRC masks: * is any run of characters, ? any one; letters compare ASCII-case-insensitively.</summary>
public static class Glob
{
    /// <summary>True when <paramref name="text"/> matches <paramref name="mask"/>.</summary>
    public static bool IsMatch(string mask, string text) => IsMatch(mask.AsSpan(), text.AsSpan());

    // Iterative, with one backtrack point: the last star. Linear in practice, never exponential.
    private static bool IsMatch(ReadOnlySpan<char> mask, ReadOnlySpan<char> text)
    {
        int m = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (m < mask.Length && (mask[m] == '?' || char.ToLowerInvariant(mask[m]) == char.ToLowerInvariant(text[t])))
            {
                m++;
                t++;
            }
            else if (m < mask.Length && mask[m] == '*')
            {
                star = m++;
                resume = t;
            }
            else if (star >= 0)
            {
                m = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (m < mask.Length && mask[m] == '*')
        {
            m++;
        }

        return m == mask.Length;
    }
}
