namespace SocketChat.Protocol.Commands;

/// <summary>Parses a text-mode line (already decoded and sanitised) into a command.</summary>
public static class TextCommandParser
{
    /// <summary>
    /// Returns the command on <paramref name="line"/>, or null for a blank line. A line starting with
    /// <c>/</c> is a command; <c>//</c> escapes a message that itself starts with a slash.
    /// </summary>
    public static ClientCommand? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        if (line[0] != '/')
        {
            return new SayCommand(line);
        }

        if (line.StartsWith("//", StringComparison.Ordinal))
        {
            return new SayCommand(line[1..]);
        }

        var (verb, rest) = SplitWord(line.AsSpan(1));
        return verb.ToLowerInvariant() switch
        {
            "nick" => OneName(rest, "/nick NAME", static name => new NickCommand(name)),
            "join" => OneName(rest, "/join ROOM", static room => new JoinCommand(room)),
            "me" when rest.Trim().Length > 0 => new SayCommand($"/me {rest.Trim()}"),
            "me" => new InvalidCommand(ErrorCodes.BadArguments, "usage: /me ACTION"),
            "msg" => PrivateMessage(rest),
            "who" => Who(rest),
            "help" => new HelpCommand(),
            "ping" => new PingCommand(),
            "quit" => new QuitCommand(),
            "login" => Login(rest),
            "history" => History(rest),
            "json" => JsonMode(rest),
            _ => new InvalidCommand(ErrorCodes.UnknownCommand, $"unknown command /{verb} (try /help)"),
        };
    }

    private static ClientCommand OneName(string rest, string usage, Func<string, ClientCommand> create)
    {
        var (name, extra) = SplitWord(rest);
        return name.Length == 0 || extra.Length != 0
            ? new InvalidCommand(ErrorCodes.BadArguments, $"usage: {usage}")
            : create(name);
    }

    private static ClientCommand PrivateMessage(string rest)
    {
        var (to, text) = SplitWord(rest);
        return to.Length == 0 || string.IsNullOrWhiteSpace(text)
            ? new InvalidCommand(ErrorCodes.BadArguments, "usage: /msg NICK TEXT")
            : new PrivateMessageCommand(to, text);
    }

    private static ClientCommand Who(string rest) =>
        rest.Length == 0 ? new WhoCommand()
        : int.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var page) && page > 0
            ? new WhoCommand(Page: page)
            : new InvalidCommand(ErrorCodes.BadArguments, "usage: /who [PAGE]");

    private static ClientCommand History(string rest)
    {
        if (rest.Length == 0)
        {
            return new HistoryCommand(HistoryCommand.DefaultLimit);
        }

        return int.TryParse(rest, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit is > 0 and <= HistoryCommand.MaxLimit
            ? new HistoryCommand(limit)
            : new InvalidCommand(ErrorCodes.BadArguments, $"usage: /history [N], N from 1 to {HistoryCommand.MaxLimit}");
    }

    // The password is the rest of the line, so it may contain spaces.
    private static ClientCommand Login(string rest)
    {
        var (name, password) = SplitWord(rest);
        return name.Length == 0 || password.Length == 0
            ? new InvalidCommand(ErrorCodes.BadArguments, "usage: /login NAME PASSWORD")
            : new LoginCommand(name, password);
    }

    private static ClientCommand JsonMode(string rest)
    {
        if (rest.Length == 0)
        {
            return new JsonModeCommand();
        }

        var (verb, arguments) = SplitWord(rest);
        var (token, last) = SplitWord(arguments);
        return verb == "resume" && token.Length > 0 && long.TryParse(last, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var lastId)
            ? new JsonModeCommand(token, lastId)
            : new InvalidCommand(ErrorCodes.BadArguments, "usage: /json or /json resume TOKEN LAST");
    }

    private static (string Word, string Remainder) SplitWord(ReadOnlySpan<char> text)
    {
        text = text.TrimStart();
        var end = text.IndexOfAny(' ', '\t');
        return end < 0
            ? (text.ToString(), string.Empty)
            : (text[..end].ToString(), text[(end + 1)..].TrimStart().ToString());
    }
}
