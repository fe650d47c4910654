namespace SocketChat.Protocol.Irc;

/// <summary>
/// One IRC message as a client sends it (RFC 1459/2812, with IRCv3 message tags): <c>[@tags] [:source] COMMAND
/// params… [:trailing]</c>. The command is upper-cased; a trailing parameter is the last, like any other.
/// </summary>
/// <param name="Tags">The raw tag section without its <c>@</c>, or null.</param>
/// <param name="Source">The prefix without its <c>:</c>, or null (clients rarely send one; it is ignored).</param>
/// <param name="Command">The command, upper-cased, or a three-digit numeric.</param>
/// <param name="Parameters">Its parameters, at most 15.</param>
public sealed record IrcMessage(string? Tags, string? Source, string Command, IReadOnlyList<string> Parameters)
{
    /// <summary>The longest message without its tags, CR LF included (RFC 1459 2.3).</summary>
    public const int MaxBodyBytes = 512;

    /// <summary>The longest tag section a client may send, its <c>@</c> and the space after it included (IRCv3 message-tags).</summary>
    public const int MaxClientTagBytes = 4096;

    /// <summary>The longest tag section in all, server tags included.</summary>
    public const int MaxTagBytes = 8191;

    private const int MaxParameters = 15;

    /// <summary>The parameter at <paramref name="index"/>, or null when there are fewer.</summary>
    public string? this[int index] => index < Parameters.Count ? Parameters[index] : null;

    /// <summary>Parses one line (without CR LF); null when it holds no command (an empty line, tags or a source alone).</summary>
    public static IrcMessage? Parse(string line)
    {
        var rest = line.AsSpan().TrimStart(' ');
        string? tags = null;
        if (rest.StartsWith("@"))
        {
            var end = rest.IndexOf(' ');
            if (end < 0)
            {
                return null;
            }

            tags = rest[1..end].ToString();
            rest = rest[end..].TrimStart(' ');
        }

        string? source = null;
        if (rest.StartsWith(":"))
        {
            var end = rest.IndexOf(' ');
            if (end < 0)
            {
                return null;
            }

            source = rest[1..end].ToString();
            rest = rest[end..].TrimStart(' ');
        }

        var commandEnd = rest.IndexOf(' ');
        var command = (commandEnd < 0 ? rest : rest[..commandEnd]).ToString().ToUpperInvariant();
        if (command.Length == 0)
        {
            return null;
        }

        var parameters = new List<string>();
        rest = commandEnd < 0 ? [] : rest[commandEnd..];
        while (true)
        {
            rest = rest.TrimStart(' ');
            if (rest.IsEmpty)
            {
                break;
            }

            // The last parameter may hold spaces: after a colon, or once fourteen came before it (RFC 2812 2.3.1).
            if (rest[0] == ':' || parameters.Count == MaxParameters - 1)
            {
                parameters.Add((rest[0] == ':' ? rest[1..] : rest).ToString());
                break;
            }

            var end = rest.IndexOf(' ');
            parameters.Add((end < 0 ? rest : rest[..end]).ToString());
            rest = end < 0 ? [] : rest[end..];
        }

        return new IrcMessage(tags, source, command, parameters);
    }
}
