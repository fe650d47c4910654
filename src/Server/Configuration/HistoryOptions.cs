using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// Chat:History: what a newcomer is shown and how long messages are kept.
internal sealed class HistoryOptions
{
    // The room's newest messages shown to whoever joins it.
    [Range(0, 1000, ErrorMessage = "must be from {1} to {2} messages")]
    public int OnJoin { get; set; } = 20;

    // Messages older than this many days are deleted; 0 keeps them for ever.
    [Range(0, 36_500, ErrorMessage = "must be from {1} to {2} days (0 keeps messages for ever)")]
    public int RetentionDays { get; set; }

    // Only the newest this many messages of each room are kept; 0 keeps them all.
    [Range(0, 100_000_000, ErrorMessage = "must be from {1} to {2} (0 keeps them all)")]
    public int MaxMessagesPerRoom { get; set; }

    // How often retention runs.
    [Range(1, 1440, ErrorMessage = "must be from {1} to {2} minutes")]
    public int PruneIntervalMinutes { get; set; } = 10;
}
