using System.ComponentModel.DataAnnotations;

namespace SocketChat.Client.Configuration;

// Chat:Reconnect: exponential backoff with jitter after a failed or lost connection.
internal sealed class ReconnectOptions
{
    [Range(0.01, 3600, ErrorMessage = "must be from {1} to {2} seconds")]
    public double FirstDelaySeconds { get; set; } = 1;

    [Range(0.01, 86_400, ErrorMessage = "must be from {1} to {2} seconds")]
    public double MaxDelaySeconds { get; set; } = 30;

    // Retries after a failure before giving up with exit code 1; not set means without end, 0 means none.
    [Range(0, int.MaxValue, ErrorMessage = "must be 0 or more (leave it unset to retry without end)")]
    public int? Attempts { get; set; }
}
