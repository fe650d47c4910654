using SocketChat.Server.Clients;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Rooms;

// What a user says of itself (away, a new real name) as the log carries it to the other servers: a presence entry
// (never stored, delivered in its place) whose text says what, its rooms comma-separated (room names have no comma),
// and what it said as the recipient.
internal static class StatusEntry
{
    private const string Prefix = "status:";

    public static Draft Of(StatusEvent status, IReadOnlyList<string> rooms) =>
        new(MessageKind.Presence, string.Join(',', rooms), status.Nick, status.Text, Prefix + status.What.ToString());

    // The status a presence entry carries, or null when it is a join, leave or rename.
    public static StatusEvent? Read(StoredMessage entry) =>
        entry.Text.StartsWith(Prefix, StringComparison.Ordinal) && Enum.TryParse<UserStatus>(entry.Text[Prefix.Length..], out var what)
            ? new StatusEvent(entry.From, what, string.IsNullOrEmpty(entry.To) ? null : entry.To)
            : null;
}
