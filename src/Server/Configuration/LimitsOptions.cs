using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// Chat:Limits: what one client, one address and everyone together may use.
internal sealed class LimitsOptions
{
    [Range(1, 1_000_000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxConnections { get; set; } = 10_000;

    [Range(1, 1_000_000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxConnectionsPerIp { get; set; } = 20;

    // Lines a client may send per second, sustained; 0 turns flood control off.
    [Range(0, 100_000, ErrorMessage = "must be from {1} to {2} (0 turns flood control off)")]
    public int MessagesPerSecond { get; set; } = 5;

    // Lines a client may send at once before it is slowed to MessagesPerSecond.
    [Range(1, 100_000, ErrorMessage = "must be from {1} to {2}")]
    public int Burst { get; set; } = 20;

    // A client held back without a break for this long is disconnected for flooding.
    [Range(1, 3600, ErrorMessage = "must be from {1} to {2} seconds")]
    public int FloodTimeoutSeconds { get; set; } = 30;

    // A connection that sends no complete line this long is pinged, then closed if it stays silent; 0 = never.
    [Range(0, 86_400, ErrorMessage = "must be from {1} to {2} seconds (0 turns it off)")]
    public int IdleTimeoutSeconds { get; set; } = 900;

    // Per-address limits (connections, login attempts) count IPv6 clients by this many leading bits of their
    // address: a /64 is what one subscriber is usually given, and any address in it is theirs to use.
    [Range(1, 128, ErrorMessage = "must be from {1} to {2} bits (128 counts every IPv6 address on its own)")]
    public int Ipv6PrefixLength { get; set; } = 64;

    // 127.0.0.1 and ::1 are exempt from the per-address and flood limits (benchmarks, local tools).
    public bool ExemptLoopback { get; set; } = true;

    // Moderation entries (kicks, bans, modes, topics…) one connection may make a minute, ten at once; 0 turns the
    // limit off. The operator console is never limited.
    [Range(0, 100_000, ErrorMessage = "must be from {1} to {2} (0 turns the limit off)")]
    public int ModerationPerMinute { get; set; } = 60;

    // Expensive work (a password checked, a search, a history page) run at once for the whole server; 0: half the
    // cores, at least one.
    [Range(0, 1024, ErrorMessage = "must be from {1} to {2} (0 is half the cores)")]
    public int HeavyWorkAtOnce { get; set; }

    // Expensive work each address (and each account) may have running or waiting; beyond it the answer is busy.
    [Range(1, 1024, ErrorMessage = "must be from {1} to {2}")]
    public int HeavyWorkPerClient { get; set; } = 5;
}
