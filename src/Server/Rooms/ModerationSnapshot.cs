using System.Collections.Immutable;
using System.Text.Json;

namespace SocketChat.Server.Rooms;

// Every room's rules and the server's as one JSON text, up to a place in the log: what a server starting (or the bans
// subcommand) applies instead of every moderation entry ever stored, so those entries need be kept only as long as
// retention keeps messages (the audit trail export reads). Restrictions that have expired are left out.
internal static class ModerationSnapshot
{
    public static string Encode(ServerRules server, IEnumerable<RoomRules> rooms, DateTimeOffset now)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            WriteRestrictions(json, "bans", server.Bans, now);
            WriteRestrictions(json, "mutes", server.Mutes, now);
            json.WriteStartArray("rooms");
            foreach (var room in rooms)
            {
                json.WriteStartObject();
                json.WriteString("name", room.Name);
                json.WriteStartObject("roles");
                foreach (var (nick, role) in room.Roles)
                {
                    json.WriteNumber(nick, (int)role);
                }

                json.WriteEndObject();
                json.WriteBoolean("owned", room.EverOwned);
                WriteIfSet(json, "topic", room.Topic);
                WriteIfSet(json, "topic_by", room.TopicBy);
                if (room.TopicAt is { } topicAt)
                {
                    json.WriteNumber("topic_at", topicAt.ToUnixTimeMilliseconds());
                }

                json.WriteString("modes", room.Modes);
                WriteIfSet(json, "key", room.Key);
                if (room.Limit is { } limit)
                {
                    json.WriteNumber("limit", limit);
                }

                WriteRestrictions(json, "bans", room.Bans, now);
                WriteRestrictions(json, "mutes", room.Mutes, now);
                json.WriteStartArray("invited");
                foreach (var nick in room.Invited)
                {
                    json.WriteStringValue(nick);
                }

                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    public static (ServerRules Server, List<RoomRules> Rooms) Decode(string text)
    {
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        var server = new ServerRules { Bans = ReadRestrictions(root, "bans"), Mutes = ReadRestrictions(root, "mutes") };
        var rooms = new List<RoomRules>();
        foreach (var room in root.GetProperty("rooms").EnumerateArray())
        {
            var roles = ImmutableDictionary.CreateBuilder<string, RoomRole>(StringComparer.OrdinalIgnoreCase);
            foreach (var role in room.GetProperty("roles").EnumerateObject())
            {
                roles[role.Name] = (RoomRole)role.Value.GetInt32();
            }

            rooms.Add(new RoomRules(room.GetProperty("name").GetString()!)
            {
                Roles = roles.ToImmutable(),
                EverOwned = room.GetProperty("owned").GetBoolean(),
                Topic = String(room, "topic"),
                TopicBy = String(room, "topic_by"),
                TopicAt = room.TryGetProperty("topic_at", out var at) ? DateTimeOffset.FromUnixTimeMilliseconds(at.GetInt64()) : null,
                Modes = room.GetProperty("modes").GetString()!,
                Key = String(room, "key"),
                Limit = room.TryGetProperty("limit", out var limit) ? limit.GetInt32() : null,
                Bans = ReadRestrictions(room, "bans"),
                Mutes = ReadRestrictions(room, "mutes"),
                Invited = ImmutableHashSet.CreateRange(StringComparer.OrdinalIgnoreCase, room.GetProperty("invited").EnumerateArray().Select(nick => nick.GetString()!)),
            });
        }

        return (server, rooms);
    }

    private static void WriteRestrictions(Utf8JsonWriter json, string name, IEnumerable<Restriction> restrictions, DateTimeOffset now)
    {
        json.WriteStartArray(name);
        foreach (var restriction in restrictions.Where(restriction => restriction.Active(now)))
        {
            json.WriteStartObject();
            json.WriteString("mask", restriction.Mask);
            json.WriteString("by", restriction.By);
            json.WriteNumber("at", restriction.At.ToUnixTimeMilliseconds());
            if (restriction.Expires is { } expires)
            {
                json.WriteNumber("until", expires.ToUnixTimeMilliseconds());
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static ImmutableList<Restriction> ReadRestrictions(JsonElement parent, string name) =>
        [.. parent.GetProperty(name).EnumerateArray().Select(restriction => new Restriction(
            restriction.GetProperty("mask").GetString()!,
            restriction.GetProperty("by").GetString()!,
            DateTimeOffset.FromUnixTimeMilliseconds(restriction.GetProperty("at").GetInt64()),
            restriction.TryGetProperty("until", out var until) ? DateTimeOffset.FromUnixTimeMilliseconds(until.GetInt64()) : null))];

    private static void WriteIfSet(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }

    private static string? String(JsonElement parent, string name) => parent.TryGetProperty(name, out var value) ? value.GetString() : null;
}
