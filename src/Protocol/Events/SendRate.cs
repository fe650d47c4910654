namespace SocketChat.Protocol.Events;

/// <summary>How fast a client may send: <paramref name="PerSecond"/> lines a second, sustained, after a burst of <paramref name="Burst"/>.</summary>
/// <param name="PerSecond">Lines per second, sustained.</param>
/// <param name="Burst">Lines that may be sent at once.</param>
public sealed record SendRate(int PerSecond, int Burst);
