namespace SocketChat.Server.Connections;

/// <summary>
/// Chat:Limits:IdleTimeoutSeconds: time since the connection's last complete line. Bytes that never finish a line
/// (slowloris) do not count, so a trickling connection is pinged and closed like a silent one.
/// </summary>
internal sealed class IdleWatch(TimeSpan timeout, TimeProvider clock)
{
    /// <summary>After the ping, the connection has this long (at most a minute) to say anything.</summary>
    public static TimeSpan GraceFor(TimeSpan timeout) => timeout < TimeSpan.FromMinutes(1) ? timeout : TimeSpan.FromMinutes(1);

    private long _since = clock.GetTimestamp();

    public bool Enabled => timeout > TimeSpan.Zero;

    public bool Pinged { get; private set; }

    public TimeSpan Grace => GraceFor(timeout);

    /// <summary>How long until the next step (ping, then close) is due.</summary>
    public TimeSpan Remaining
    {
        get
        {
            var left = (Pinged ? Grace : timeout) - clock.GetElapsedTime(_since);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }

    public void LineReceived()
    {
        _since = clock.GetTimestamp();
        Pinged = false;
    }

    public void MarkPinged()
    {
        _since = clock.GetTimestamp();
        Pinged = true;
    }
}
