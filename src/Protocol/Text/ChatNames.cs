namespace SocketChat.Protocol.Text;

/// <summary>The rules for nicknames and room names.</summary>
public static class ChatNames
{
    /// <summary>The longest nickname or room name, in characters.</summary>
    public const int MaxLength = 32;

    /// <summary>The nickname the server operator speaks as; no connection may take it.</summary>
    public const string Server = "server";

    /// <summary>The character set, for error messages and documentation.</summary>
    public const string Rule = "1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter";

    /// <summary>True when <paramref name="name"/> follows <see cref="Rule"/>.</summary>
    public static bool IsValid(string name)
    {
        if (name.Length is 0 or > MaxLength || !char.IsAsciiLetter(name[0]))
        {
            return false;
        }

        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.'))
            {
                return false;
            }
        }

        return true;
    }
}
