using System.Text.Json;
using SocketChat.Protocol.Events;

namespace SocketChat.Protocol.Decoders;

/// <summary>The client side of JSON mode: turns a server line back into an event.</summary>
public static class JsonEventReader
{
    /// <summary>
    /// Parses one line; null when it is not a JSON object of a known type (clients ignore those, so newer servers
    /// can add types).
    /// </summary>
    public static ServerEvent? Parse(string line)
    {
        if (line.Length == 0 || line[0] != '{')
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(line);
            var root = document.RootElement;
            return root.ValueKind == JsonValueKind.Object ? Read(root) : null;
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            return null;
        }
    }

    private static ServerEvent? Read(JsonElement root) => String(root, "type") switch
    {
        "message" => new RoomMessageEvent(Id(root), Ts(root), Required(root, "room"), Required(root, "from"), Required(root, "text"), Bool(root, "history")) { Notice = Bool(root, "notice"), Own = Bool(root, "own") },
        "private" => new PrivateMessageEvent(Id(root), Ts(root), Required(root, "from"), Required(root, "to"), Required(root, "text")) { Notice = Bool(root, "notice"), Own = Bool(root, "own"), History = Bool(root, "history") },
        "announce" => new AnnouncementEvent(Id(root), Ts(root), Required(root, "text"), Bool(root, "history")),
        "presence" => new PresenceEvent(Ts(root), Required(root, "room"), Required(root, "nick"), Action(Required(root, "action")), String(root, "old")) { Device = Bool(root, "device") },
        "ack" => new AckEvent(String(root, "cid"), Id(root), Ts(root)),
        "error" => new ErrorEvent(Required(root, "code"), Required(root, "message"), String(root, "cid")),
        "welcome" => new WelcomeEvent(Required(root, "nick"), Required(root, "room"), String(root, "token"), Bool(root, "resumed"), Rate(root)),
        "who" => new WhoEvent(Required(root, "room"), root.GetProperty("nicks").EnumerateArray().Select(nick => nick.GetString() ?? string.Empty).ToArray(), String(root, "cid"), Int(root, "total", 0), Int(root, "page", 1))
        {
            Roles = root.TryGetProperty("roles", out var roles) && roles.ValueKind == JsonValueKind.Object
                ? roles.EnumerateObject().ToDictionary(role => role.Name, role => role.Value.GetString() ?? string.Empty)
                : null,
            Topic = String(root, "topic"),
        },
        "info" => new InfoEvent(Required(root, "text"), String(root, "cid")),
        "shutdown" => new ShutdownEvent(Required(root, "text")),
        "history_end" => new HistoryEndEvent(Required(root, "room"), root.GetProperty("count").GetInt32(), String(root, "cid")),
        "login_required" => new LoginRequiredEvent(),
        "pong" => new PongEvent(String(root, "cid"), String(root, "problem")),
        "notice" => new NoticeEvent(Required(root, "code"), Required(root, "text")),
        "found" => new FoundEvent(Id(root), Ts(root), String(root, "room"), Required(root, "from"), String(root, "to"), Required(root, "text"), String(root, "cid")),
        "read" => new ReadEvent(Required(root, "room"), Id(root), Ts(root), String(root, "cid")),
        "search_end" => new SearchEndEvent(Required(root, "text"), root.GetProperty("count").GetInt32(), String(root, "cid")),
        "topic" => new TopicEvent(Required(root, "room"), String(root, "text"), String(root, "by"), root.TryGetProperty("set_at", out var at) ? at.GetDateTimeOffset() : null, String(root, "cid")),
        "moderation" => new ModerationEvent(
            Id(root), Ts(root), String(root, "room"), Required(root, "by"), Required(root, "action"), String(root, "target"), String(root, "text"),
            root.TryGetProperty("expires", out var expires) ? expires.GetDateTimeOffset() : null, Bool(root, "history")),
        "ping" => new KeepAliveEvent(root.TryGetProperty("grace", out var grace) && grace.TryGetInt32(out var seconds) ? seconds : 0),
        _ => null,
    };

    private static PresenceAction Action(string action) => action switch
    {
        "join" => PresenceAction.Join,
        "leave" => PresenceAction.Leave,
        "rename" => PresenceAction.Rename,
        _ => throw new FormatException($"unknown presence action {action}"),
    };

    private static SendRate? Rate(JsonElement root) =>
        root.TryGetProperty("rate", out var rate) && rate.ValueKind == JsonValueKind.Object
            ? new SendRate(rate.GetProperty("per_second").GetInt32(), rate.GetProperty("burst").GetInt32())
            : null;

    private static int Int(JsonElement root, string name, int fallback) =>
        root.TryGetProperty(name, out var value) && value.TryGetInt32(out var number) ? number : fallback;

    private static long Id(JsonElement root) => root.GetProperty("id").GetInt64();

    private static DateTimeOffset Ts(JsonElement root) => root.GetProperty("ts").GetDateTimeOffset();

    private static bool Bool(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;

    private static string Required(JsonElement root, string name) =>
        String(root, name) ?? throw new FormatException($"\"{name}\" is missing");

    private static string? String(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
