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
            "join" => Join(rest),
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
            "oper" => Oper(rest),
            "read" => Read(rest),
            "search" when rest.Trim().Length > 0 => new SearchCommand(rest.Trim()),
            "search" => new InvalidCommand(ErrorCodes.BadArguments, "usage: /search WORDS"),
            "topic" or "kick" or "ban" or "unban" or "mute" or "unmute" or "op" or "deop" or "voice" or "devoice"
                or "mode" or "invite" or "kill" or "bans" => Moderation(verb.ToLowerInvariant(), rest),
            "wallops" when rest.Trim().Length > 0 => new ModerateCommand(ModerationVerb.Wallops, Text: rest.Trim()),
            "wallops" => new InvalidCommand(ErrorCodes.BadArguments, "usage: /wallops TEXT"),
            _ => new InvalidCommand(ErrorCodes.UnknownCommand, $"unknown command /{verb} (try /help)"),
        };
    }

    // The usage of each moderation command, as the error for a malformed one says it.
    private static readonly Dictionary<string, string> ModerationUsage = new()
    {
        ["topic"] = "/topic [#ROOM] [TEXT] (/topic - clears it)",
        ["kick"] = "/kick [#ROOM] NICK [REASON]",
        ["ban"] = "/ban [#ROOM|--server [--force]] MASK [DURATION]",
        ["unban"] = "/unban [#ROOM|--server] MASK",
        ["mute"] = "/mute [#ROOM|--server [--force]] MASK [DURATION]",
        ["unmute"] = "/unmute [#ROOM|--server] MASK",
        ["op"] = "/op [#ROOM] NICK",
        ["deop"] = "/deop [#ROOM] NICK",
        ["voice"] = "/voice [#ROOM] NICK",
        ["devoice"] = "/devoice [#ROOM] NICK",
        ["mode"] = "/mode [#ROOM] [+|-FLAGS [ARGUMENTS]]",
        ["invite"] = "/invite NICK [#ROOM]",
        ["kill"] = "/kill NICK [REASON]",
        ["bans"] = "/bans [#ROOM|--server]",
    };

    /// <summary>The usage line of a moderation command (<c>kick</c> gives <c>/kick [#ROOM] NICK [REASON]</c>).</summary>
    public static string UsageOf(string verb) => ModerationUsage[verb];

    // /kick [#ROOM] NICK [REASON] and the rest: an optional #ROOM (or --server) first, then each command's own words.
    private static ClientCommand Moderation(string verb, string rest)
    {
        var usage = new InvalidCommand(ErrorCodes.BadArguments, $"usage: {ModerationUsage[verb]}");
        string? room = null;
        var serverWide = false;
        var (first, after) = SplitWord(rest);
        if (first.StartsWith('#') && first.Length > 1)
        {
            room = first[1..];
            rest = after;
        }
        else if (first == "--server")
        {
            serverWide = true;
            rest = after;
        }

        // --force: a server-wide ban or mute of a mask that matches everyone, meant.
        var force = false;
        if (serverWide && SplitWord(rest) is ("--force", var forced))
        {
            force = true;
            rest = forced;
        }

        var (word, remainder) = SplitWord(rest);
        var parsed = Enum.Parse<ModerationVerb>(verb, ignoreCase: true);
        switch (parsed)
        {
            case ModerationVerb.Topic:
                return serverWide ? usage : new ModerateCommand(parsed, room, Text: rest.Length == 0 ? null : rest == "-" ? string.Empty : rest);
            case ModerationVerb.Mode:
                return serverWide ? usage : new ModerateCommand(parsed, room, Text: rest.Length == 0 ? null : rest);
            case ModerationVerb.Bans:
                return rest.Length != 0 ? usage : new ModerateCommand(parsed, room, ServerWide: serverWide);
            case ModerationVerb.Kick or ModerationVerb.Kill:
                return word.Length == 0 || serverWide || (parsed == ModerationVerb.Kill && room is not null)
                    ? usage
                    : new ModerateCommand(parsed, room, word, remainder.Length == 0 ? null : remainder);
            case ModerationVerb.Invite:
                // IRC's order (INVITE NICK #ROOM) or ours (#ROOM first).
                var (inRoom, extra) = SplitWord(remainder);
                if (word.Length == 0 || serverWide || extra.Length != 0 || (inRoom.Length > 0 && (room is not null || !inRoom.StartsWith('#'))))
                {
                    return usage;
                }

                return new ModerateCommand(parsed, room ?? (inRoom.Length > 1 ? inRoom[1..] : null), word);
            case ModerationVerb.Ban or ModerationVerb.Mute:
            {
                var (duration, extraWords) = SplitWord(remainder);
                if (word.Length == 0 || extraWords.Length != 0)
                {
                    return usage;
                }

                if (duration.Length == 0)
                {
                    return new ModerateCommand(parsed, room, word, ServerWide: serverWide) { Force = force };
                }

                return DurationText.TryParse(duration, out var lasts)
                    ? new ModerateCommand(parsed, room, word, Duration: lasts, ServerWide: serverWide) { Force = force }
                    : new InvalidCommand(ErrorCodes.BadArguments, $"invalid duration \"{duration}\": use {DurationText.Rule}");
            }

            default:
                // unban, unmute, op, deop, voice, devoice: one name.
                return word.Length == 0 || remainder.Length != 0 || (serverWide && parsed is not (ModerationVerb.Unban or ModerationVerb.Unmute))
                    ? usage
                    : new ModerateCommand(parsed, room, word, ServerWide: serverWide);
        }
    }

    private static ClientCommand Oper(string rest)
    {
        var (name, password) = SplitWord(rest);
        return name.Length == 0 || password.Length == 0
            ? new InvalidCommand(ErrorCodes.BadArguments, "usage: /oper NAME PASSWORD")
            : new OperCommand(name, password);
    }

    private static ClientCommand OneName(string rest, string usage, Func<string, ClientCommand> create)
    {
        var (name, extra) = SplitWord(rest);
        return name.Length == 0 || extra.Length != 0
            ? new InvalidCommand(ErrorCodes.BadArguments, $"usage: {usage}")
            : create(name);
    }

    private static ClientCommand Join(string rest)
    {
        var (room, remainder) = SplitWord(rest);
        var (key, extra) = SplitWord(remainder);
        return room.Length == 0 || extra.Length != 0
            ? new InvalidCommand(ErrorCodes.BadArguments, "usage: /join ROOM [KEY]")
            : new JoinCommand(room.TrimStart('#')) { Key = key.Length == 0 ? null : key };
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

    // /history [N], /history before ID [N], /history after ID [N] (the oldest N after it: paging forward).
    private static ClientCommand History(string rest)
    {
        var usage = new InvalidCommand(ErrorCodes.BadArguments, $"usage: /history [N], /history before ID [N], /history after ID [N] or /history with NICK [N], N from 1 to {HistoryCommand.MaxLimit}");
        var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        static bool Number(string word, out long value) =>
            long.TryParse(word, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out value);
        int? Limit(string[] tail) => tail.Length == 0 ? HistoryCommand.DefaultLimit
            : tail.Length == 1 && Number(tail[0], out var n) && n is > 0 and <= HistoryCommand.MaxLimit ? (int)n : null;
        switch (words)
        {
            case []:
                return new HistoryCommand(HistoryCommand.DefaultLimit);
            case ["with", var nick, .. var tail] when Text.ChatNames.IsValid(nick) && Limit(tail) is { } limit:
                return new HistoryCommand(limit) { With = nick };
            case ["before" or "after", var id, .. var tail] when Number(id, out var at) && Limit(tail) is { } limit:
                return words[0] == "before" ? new HistoryCommand(limit, BeforeId: at) : new HistoryCommand(limit, AfterId: at) { Forward = true };
            case [_] when Limit(words) is { } limit:
                return new HistoryCommand(limit);
            default:
                return usage;
        }
    }

    // /read [#ROOM] [ID] marks read (up to the newest, in the connection's own room, unless told); /read ? [#ROOM] asks.
    private static ClientCommand Read(string rest)
    {
        var words = rest.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToList();
        var ask = words is ["?", ..];
        if (ask)
        {
            words.RemoveAt(0);
        }

        string? room = null;
        if (words is [var first, ..] && first.StartsWith('#'))
        {
            room = first[1..];
            words.RemoveAt(0);
            if (!Text.ChatNames.IsValid(room))
            {
                return new InvalidCommand(ErrorCodes.InvalidName, $"invalid room name; use {Text.ChatNames.Rule}");
            }
        }

        switch (words)
        {
            case []:
                return new ReadCommand(room, Ask: ask);
            case [var id] when !ask && long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var upTo) && upTo > 0:
                return new ReadCommand(room, upTo);
            default:
                return new InvalidCommand(ErrorCodes.BadArguments, "usage: /read [#ROOM] [ID] marks read; /read ? [#ROOM] says where");
        }
    }

    // The password is the rest of the line, so it may contain spaces; NAME@DEVICE names the device.
    private static ClientCommand Login(string rest)
    {
        var (name, password) = SplitWord(rest);
        if (name.Length == 0 || password.Length == 0)
        {
            return new InvalidCommand(ErrorCodes.BadArguments, "usage: /login NAME PASSWORD or /login NAME@DEVICE PASSWORD");
        }

        var account = LoginCommand.SplitDevice(name, out var device);
        return device is { Length: 0 }
            ? new InvalidCommand(ErrorCodes.InvalidName, $"invalid device name; use {LoginCommand.DeviceRule}")
            : new LoginCommand(account, password) { Device = device };
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
