using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

/// <summary><c>Chat:Limits</c>: what one client, one address and everyone together may use.</summary>
internal sealed class LimitsOptions
{
    [Range(1, 1_000_000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxConnections { get; set; } = 10_000;

    [Range(1, 1_000_000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxConnectionsPerIp { get; set; } = 20;

    /// <summary>127.0.0.1 and ::1 are exempt from the per-address and flood limits (benchmarks, local tools).</summary>
    public bool ExemptLoopback { get; set; } = true;
}
