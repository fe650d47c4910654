using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

/// <summary><c>Chat:History</c>: what a newcomer is shown and how long messages are kept.</summary>
internal sealed class HistoryOptions
{
    /// <summary>The room's newest messages shown to whoever joins it.</summary>
    [Range(0, 1000, ErrorMessage = "must be from {1} to {2} messages")]
    public int OnJoin { get; set; } = 20;

    /// <summary>Messages older than this many days are deleted; 0 keeps them for ever.</summary>
    [Range(0, 36_500, ErrorMessage = "must be from {1} to {2} days (0 keeps messages for ever)")]
    public int RetentionDays { get; set; }

    /// <summary>Only the newest this many messages of each room are kept; 0 keeps them all.</summary>
    [Range(0, 100_000_000, ErrorMessage = "must be from {1} to {2} (0 keeps them all)")]
    public int MaxMessagesPerRoom { get; set; }

    /// <summary>How often retention runs.</summary>
    [Range(1, 1440, ErrorMessage = "must be from {1} to {2} minutes")]
    public int PruneIntervalMinutes { get; set; } = 10;
}
