using System.Text.Json;
using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Commands;

/// <summary>Parses a JSON-mode line: one object with a <c>type</c> and, optionally, a string <c>cid</c>.</summary>
public static class JsonCommandParser
{
    /// <summary>The longest client id accepted, in characters.</summary>
    public const int MaxCidLength = 64;

    /// <summary>Returns the command in <paramref name="line"/>, or null for a blank line.</summary>
    public static ClientCommand? Parse(string line)
    {
        if (string.IsNullOrWhiteSpace(line))
        {
            return null;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return Invalid("not a JSON object", null);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return Invalid("not a JSON object", null);
            }

            // JSON may escape half of a UTF-16 surrogate pair ("\ud800") on its own; such a string is no text at all.
            if (LoneSurrogateIn(root) is { } broken)
            {
                return Invalid($"{broken} holds a lone UTF-16 surrogate (\\ud800-\\udfff must come in pairs)", null);
            }

            if (!TryGetString(root, "cid", out var cid) || cid?.Length > MaxCidLength)
            {
                return Invalid($"\"cid\" must be a string of at most {MaxCidLength} characters", null);
            }

            if (!TryGetString(root, "type", out var type) || type is null)
            {
                return Invalid("\"type\" (a string) is required", cid);
            }

            return type switch
            {
                "message" => Required(root, "text", cid, text => new SayCommand(text, cid)),
                "private" => Required(root, "to", cid, to => Required(root, "text", cid, text => new PrivateMessageCommand(to, text, cid))),
                "nick" => Required(root, "nick", cid, nick => new NickCommand(nick, cid)),
                "join" => TryGetString(root, "key", out var key)
                    ? Required(root, "room", cid, room => new JoinCommand(room, cid) { Key = key })
                    : new InvalidCommand(ErrorCodes.BadArguments, "\"key\" must be a string", cid),
                "who" => TryGetNumber(root, "page", out var page) && page is null or > 0 and <= int.MaxValue
                    ? new WhoCommand(cid, (int)(page ?? 1))
                    : new InvalidCommand(ErrorCodes.BadArguments, "\"page\" must be a whole number from 1", cid),
                "help" => new HelpCommand(cid),
                "ping" => new PingCommand(cid),
                "quit" => new QuitCommand(cid),
                "history" => History(root, cid),
                "login" => Login(root, cid),
                "resume" => Resume(root, cid),
                "search" => Search(root, cid),
                "read" => Read(root, cid),
                "oper" => Required(root, "name", cid, name => Required(root, "password", cid, password => new OperCommand(name, password, cid))),
                "topic" or "kick" or "ban" or "unban" or "mute" or "unmute" or "op" or "deop" or "voice" or "devoice"
                    or "mode" or "invite" or "kill" or "bans" => Moderation(root, type, cid),
                _ => new InvalidCommand(ErrorCodes.UnknownCommand, $"unknown type \"{type}\"", cid),
            };
        }
    }

    // {"type":"search","text":"words","limit":20,"before":1234}: the newest matches first, paged by id.
    // {"type":"login","name":"alice","password":"…","device":"laptop","last_id":41}: device and last_id optional.
    private static ClientCommand Login(JsonElement root, string? cid)
    {
        if (!TryGetString(root, "device", out var device) || (device is not null && !ChatNames.IsValid(device)))
        {
            return new InvalidCommand(ErrorCodes.InvalidName, $"\"device\" must be a device name: {LoginCommand.DeviceRule}", cid);
        }

        if (!TryGetNumber(root, "last_id", out var lastId))
        {
            return new InvalidCommand(ErrorCodes.BadArguments, "\"last_id\" must be a message id", cid);
        }

        return Required(root, "name", cid, name => Required(root, "password", cid, password => new LoginCommand(name, password, cid) { Device = device, LastId = lastId }));
    }

    // {"type":"read","room":"lobby","id":41}: room and id optional; {"type":"read","ask":true} asks.
    private static ClientCommand Read(JsonElement root, string? cid)
    {
        if (!TryGetString(root, "room", out var room) || (room is not null && !ChatNames.IsValid(room)))
        {
            return new InvalidCommand(ErrorCodes.InvalidName, $"\"room\" must be a room name: {ChatNames.Rule}", cid);
        }

        if (!TryGetNumber(root, "id", out var id) || id == 0)
        {
            return new InvalidCommand(ErrorCodes.BadArguments, "\"id\" must be a message id", cid);
        }

        var ask = root.TryGetProperty("ask", out var asked) && asked.ValueKind == JsonValueKind.True;
        return new ReadCommand(room, id, ask, cid);
    }

    private static ClientCommand Search(JsonElement root, string? cid)
    {
        if (!TryGetNumber(root, "limit", out var limit) || !TryGetNumber(root, "before", out var before) || limit is <= 0 or > SearchCommand.MaxLimit)
        {
            return new InvalidCommand(ErrorCodes.BadArguments, $"\"limit\" must be from 1 to {SearchCommand.MaxLimit}; \"before\" a message id", cid);
        }

        return Required(root, "text", cid, text => new SearchCommand(text, (int)(limit ?? SearchCommand.DefaultLimit), before, cid));
    }

    // {"type":"kick","nick":"bob","reason":"spam"}, {"type":"ban","mask":"bob","duration":"1h"}, … with an
    // optional "room" (default: the connection's own) or "server": true for a server-wide ban or mute.
    private static ClientCommand Moderation(JsonElement root, string type, string? cid)
    {
        var verb = Enum.Parse<ModerationVerb>(type, ignoreCase: true);
        if (!TryGetString(root, "room", out var room) || !TryGetString(root, "nick", out var nick) || !TryGetString(root, "mask", out var mask)
            || !TryGetString(root, "text", out var text) || !TryGetString(root, "reason", out var reason) || !TryGetString(root, "modes", out var modes)
            || !TryGetString(root, "duration", out var duration))
        {
            return new InvalidCommand(ErrorCodes.BadArguments, "\"room\", \"nick\", \"mask\", \"text\", \"reason\", \"modes\" and \"duration\" are strings", cid);
        }

        var serverWide = root.TryGetProperty("server", out var server) && server.ValueKind == JsonValueKind.True;
        TimeSpan? lasts = null;
        if (duration is not null)
        {
            if (!DurationText.TryParse(duration, out var parsed))
            {
                return new InvalidCommand(ErrorCodes.BadArguments, $"\"duration\" must be {DurationText.Rule}", cid);
            }

            lasts = parsed;
        }

        ClientCommand Named(string field, string? value, Func<string, ClientCommand> create) =>
            string.IsNullOrWhiteSpace(value) ? new InvalidCommand(ErrorCodes.BadArguments, $"\"{field}\" (a non-empty string) is required", cid) : create(value);

        return verb switch
        {
            ModerationVerb.Topic => new ModerateCommand(verb, room, Text: text, Cid: cid),
            ModerationVerb.Mode => new ModerateCommand(verb, room, Text: modes, Cid: cid),
            ModerationVerb.Bans => new ModerateCommand(verb, room, ServerWide: serverWide, Cid: cid),
            ModerationVerb.Kick or ModerationVerb.Kill => Named("nick", nick, target => new ModerateCommand(verb, room, target, reason, Cid: cid)),
            ModerationVerb.Ban or ModerationVerb.Mute or ModerationVerb.Unban or ModerationVerb.Unmute =>
                Named("mask", mask ?? nick, target => new ModerateCommand(verb, room, target, reason, lasts, serverWide, cid)
                {
                    Force = root.TryGetProperty("force", out var force) && force.ValueKind == JsonValueKind.True,
                }),
            _ => Named("nick", nick, target => new ModerateCommand(verb, room, target, Cid: cid)),
        };
    }

    // {"type":"resume","token":"…","last_id":42}: "/json resume TOKEN LAST" for a connection that is JSON already.
    private static ClientCommand Resume(JsonElement root, string? cid) =>
        TryGetNumber(root, "last_id", out var last)
            ? Required(root, "token", cid, token => new JsonModeCommand(token, last ?? 0))
            : new InvalidCommand(ErrorCodes.BadArguments, "\"last_id\" must be the id of the newest message seen", cid);

    private static ClientCommand History(JsonElement root, string? cid)
    {
        if (!TryGetNumber(root, "limit", out var limit) || !TryGetNumber(root, "before", out var before) || !TryGetNumber(root, "after", out var after)
            || limit is <= 0 or > HistoryCommand.MaxLimit)
        {
            return new InvalidCommand(ErrorCodes.BadArguments, $"\"limit\" must be from 1 to {HistoryCommand.MaxLimit}; \"before\" and \"after\" message ids", cid);
        }

        if (!TryGetTime(root, "before_ts", out var beforeTime) || !TryGetTime(root, "after_ts", out var afterTime))
        {
            return new InvalidCommand(ErrorCodes.BadArguments, "\"before_ts\" and \"after_ts\" must be ISO 8601 times (2026-12-01T10:00:00Z)", cid);
        }

        if (!TryGetString(root, "with", out var with) || (with is not null && !ChatNames.IsValid(with)))
        {
            return new InvalidCommand(ErrorCodes.InvalidName, $"\"with\" must be a nickname: {ChatNames.Rule}", cid);
        }

        var forward = root.TryGetProperty("forward", out var direction) && direction.ValueKind == JsonValueKind.True;
        return new HistoryCommand((int)(limit ?? HistoryCommand.DefaultLimit), before, after, cid) { BeforeTime = beforeTime, AfterTime = afterTime, Forward = forward, With = with };
    }

    // True when the property is absent (value null) or an ISO 8601 time with its offset; false otherwise.
    private static bool TryGetTime(JsonElement root, string name, out DateTimeOffset? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String
            || !DateTimeOffset.TryParse(element.GetString(), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var time))
        {
            return false;
        }

        value = time;
        return true;
    }

    // True when the property is absent (value null) or a whole number; false when it is anything else.
    private static bool TryGetNumber(JsonElement root, string name, out long? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.Number || !element.TryGetInt64(out var number) || number < 0)
        {
            return false;
        }

        value = number;
        return true;
    }

    private static ClientCommand Required(JsonElement root, string name, string? cid, Func<string, ClientCommand> create) =>
        TryGetString(root, name, out var value) && !string.IsNullOrWhiteSpace(value)
            ? create(value)
            : new InvalidCommand(ErrorCodes.BadArguments, $"\"{name}\" (a non-empty string) is required", cid);

    // True when the property is absent (value null) or a string; false when it has another JSON type.
    private static bool TryGetString(JsonElement root, string name, out string? value)
    {
        value = null;
        if (!root.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            return false;
        }

        value = element.GetString();
        return true;
    }

    private static InvalidCommand Invalid(string message, string? cid) => new(ErrorCodes.InvalidJson, message, cid);

    // What holds the first lone surrogate ("text", a property name), or null when every name and string is text.
    private static string? LoneSurrogateIn(JsonElement root)
    {
        foreach (var property in root.EnumerateObject())
        {
            string name;
            try
            {
                name = property.Name;
            }
            catch (InvalidOperationException)
            {
                return "a property name";
            }

            if (property.Value.ValueKind != JsonValueKind.String)
            {
                continue;
            }

            try
            {
                _ = property.Value.GetString();
            }
            catch (InvalidOperationException)
            {
                // Only a plain name is repeated back; anything else a peer chose stays out of the reply.
                return name.Length <= 32 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? $"\"{name}\"" : "a property";
            }
        }

        return null;
    }
}
