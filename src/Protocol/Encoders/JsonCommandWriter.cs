using System.Buffers;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using SocketChat.Protocol.Commands;

namespace SocketChat.Protocol.Encoders;

/// <summary>The client side of JSON mode: encodes a command as the line the server expects.</summary>
public static class JsonCommandWriter
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The line for <paramref name="command"/>, without its LF.</summary>
    public static string Format(ClientCommand command)
    {
        if (command is JsonModeCommand mode)
        {
            return mode.ResumeToken is null
                ? "/json"
                : string.Create(CultureInfo.InvariantCulture, $"/json resume {mode.ResumeToken} {mode.LastId}");
        }

        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, Options))
        {
            json.WriteStartObject();
            switch (command)
            {
                case SayCommand say:
                    json.WriteString("type", "message");
                    json.WriteString("text", say.Text);
                    break;
                case PrivateMessageCommand message:
                    json.WriteString("type", "private");
                    json.WriteString("to", message.To);
                    json.WriteString("text", message.Text);
                    break;
                case NickCommand nick:
                    json.WriteString("type", "nick");
                    json.WriteString("nick", nick.Nick);
                    break;
                case JoinCommand join:
                    json.WriteString("type", "join");
                    json.WriteString("room", join.Room);
                    break;
                case WhoCommand who:
                    json.WriteString("type", "who");
                    if (who.Page != 1)
                    {
                        json.WriteNumber("page", who.Page);
                    }

                    break;
                case HelpCommand:
                    json.WriteString("type", "help");
                    break;
                case PingCommand:
                    json.WriteString("type", "ping");
                    break;
                case QuitCommand:
                    json.WriteString("type", "quit");
                    break;
                case HistoryCommand history:
                    json.WriteString("type", "history");
                    json.WriteNumber("limit", history.Limit);
                    if (history.BeforeId is { } before)
                    {
                        json.WriteNumber("before", before);
                    }

                    if (history.AfterId is { } after)
                    {
                        json.WriteNumber("after", after);
                    }

                    if (history.Forward)
                    {
                        json.WriteBoolean("forward", true);
                    }

                    WriteIfSet(json, "with", history.With);

                    break;
                case SearchCommand search:
                    json.WriteString("type", "search");
                    json.WriteString("text", search.Text);
                    if (search.Limit != SearchCommand.DefaultLimit)
                    {
                        json.WriteNumber("limit", search.Limit);
                    }

                    if (search.BeforeId is { } searchBefore)
                    {
                        json.WriteNumber("before", searchBefore);
                    }

                    break;
                case ReadCommand read:
                    json.WriteString("type", "read");
                    WriteIfSet(json, "room", read.Room);
                    if (read.Id is { } upTo)
                    {
                        json.WriteNumber("id", upTo);
                    }

                    if (read.Ask)
                    {
                        json.WriteBoolean("ask", true);
                    }

                    break;
                case ModerateCommand moderate when moderate.Verb != ModerationVerb.Wallops:
                    WriteModeration(json, moderate);
                    break;
                case OperCommand oper:
                    json.WriteString("type", "oper");
                    json.WriteString("name", oper.Name);
                    json.WriteString("password", oper.Password);
                    break;
                case LoginCommand login:
                    json.WriteString("type", "login");
                    json.WriteString("name", login.Name);
                    json.WriteString("password", login.Password);
                    if (login.Device is { } device)
                    {
                        json.WriteString("device", device);
                    }

                    if (login.LastId is { } lastId)
                    {
                        json.WriteNumber("last_id", lastId);
                    }

                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "not a request a client sends");
            }

            if (command.Cid is not null)
            {
                json.WriteString("cid", command.Cid);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // As JsonCommandParser reads it: the verb is the type; its target a nick or (bans and mutes) a mask; its text a
    // topic, the modes, or a reason.
    private static void WriteModeration(Utf8JsonWriter json, ModerateCommand moderate)
    {
        json.WriteString("type", moderate.Verb.ToString().ToLowerInvariant());
        WriteIfSet(json, "room", moderate.Room);
        switch (moderate.Verb)
        {
            case ModerationVerb.Topic:
                WriteIfSet(json, "text", moderate.Text);
                break;
            case ModerationVerb.Mode:
                WriteIfSet(json, "modes", moderate.Text);
                break;
            case ModerationVerb.Ban or ModerationVerb.Mute or ModerationVerb.Unban or ModerationVerb.Unmute:
                WriteIfSet(json, "mask", moderate.Target);
                WriteIfSet(json, "reason", moderate.Text);
                if (moderate.Duration is { } lasts)
                {
                    json.WriteString("duration", string.Create(CultureInfo.InvariantCulture, $"{(long)Math.Ceiling(lasts.TotalSeconds)}s"));
                }

                break;
            default:
                WriteIfSet(json, "nick", moderate.Target);
                WriteIfSet(json, "reason", moderate.Text);
                break;
        }

        if (moderate.ServerWide)
        {
            json.WriteBoolean("server", true);
        }

        if (moderate.Force)
        {
            json.WriteBoolean("force", true);
        }
    }

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
