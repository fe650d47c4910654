using System.Text.Json;
using SocketChat.Protocol.Events;

namespace SocketChat.Server.Storage;

// A moderation action as the log keeps it (MessageKind.Moderation): the room (null: server-wide) is the entry's room,
// the one who did it its sender, whom it was done to (a nickname or a mask) its recipient, and the rest its text, a
// small JSON object: the action, its text (a topic, a reason, a mode change), when it expires, whether a server
// operator did it (so every node judges it alike, whatever its own settings) and whether a ban also removes who it
// matches.
internal sealed record ModerationRecord(
    string Action,
    string? Room,
    string Actor,
    string? Target,
    string? Text = null,
    DateTimeOffset? Expires = null,
    bool ByOperator = false,
    bool Remove = false)
{
    // Every room's rules and the server's up to a place in the log (Rooms/ModerationSnapshot), as a store gives it back
    // ahead of the moderation entries after that place.
    public const string Snapshot = "snapshot";

    public static StoredMessage SnapshotEntry(long upTo, DateTimeOffset at, string rules) =>
        new(upTo, at, MessageKind.Moderation, null, "server", null, new ModerationRecord(Snapshot, null, "server", null, rules, ByOperator: true).Encode()) { Replayed = true };

    // The first member of a room nobody ever owned claiming it: applied everywhere, told nowhere (its owner sees it
    // in /who and NAMES, as IRC's channel creator does), and kept out of the room's history.
    public bool IsClaim => Action == ModerationActions.Owner && Actor == Target;

    // A claim is kept out of its room's history and export (it is nobody's action): stored with no room, its room
    // in the text instead.
    public Draft ToDraft(long origin = 0) => new(MessageKind.Moderation, IsClaim ? null : Room, Actor, Target, Encode(), Origin: origin) { Restricts = Restricts };

    // Whether it can take someone's voice away in its room (or, with no room, on the server): lines judged before it
    // are judged again where they would go (Draft.JudgedAt).
    public bool Restricts => !IsClaim && Action is ModerationActions.Ban or ModerationActions.Mute or ModerationActions.Kick or ModerationActions.Mode
        or ModerationActions.Deop or ModerationActions.Devoice or ModerationActions.Disown or ModerationActions.Kill;

    public ModerationEvent ToEvent(long id, DateTimeOffset timestamp, bool history = false) =>
        new(id, timestamp, Room, Actor, Action, Target, Text, Expires, history);

    // Null when the entry's text is not one (a newer version's, or damaged): it is skipped, never fatal.
    public static ModerationRecord? Of(StoredMessage message)
    {
        try
        {
            using var document = JsonDocument.Parse(message.Text);
            var root = document.RootElement;
            return new ModerationRecord(
                root.GetProperty("a").GetString()!,
                message.Room ?? (root.TryGetProperty("r", out var room) ? room.GetString() : null),
                message.From,
                message.To,
                root.TryGetProperty("x", out var text) ? text.GetString() : null,
                root.TryGetProperty("e", out var expires) ? DateTimeOffset.FromUnixTimeMilliseconds(expires.GetInt64()) : null,
                root.TryGetProperty("op", out var op) && op.GetBoolean(),
                root.TryGetProperty("rm", out var remove) && remove.GetBoolean());
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            return null;
        }
    }

    internal string Encode()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("a", Action);
            if (IsClaim && Room is not null)
            {
                json.WriteString("r", Room);
            }
            if (Text is not null)
            {
                json.WriteString("x", Text);
            }

            if (Expires is { } expires)
            {
                json.WriteNumber("e", expires.ToUnixTimeMilliseconds());
            }

            if (ByOperator)
            {
                json.WriteBoolean("op", true);
            }

            if (Remove)
            {
                json.WriteBoolean("rm", true);
            }

            json.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }
}
