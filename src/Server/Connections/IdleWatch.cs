namespace SocketChat.Server.Connections;

/// <summary>
/// Chat:Limits:IdleTimeoutSeconds: time since the connection's last complete line. Bytes that never finish a line
/// (slowloris) do not count, so a trickling connection is pinged and closed like a silent one. The read loop notes
/// lines; <see cref="IdleSweep"/> alone calls <see cref="Check"/>, so neither waits for the other.
/// </summary>
internal sealed class IdleWatch(TimeSpan timeout, TimeProvider clock)
{
    /// <summary>After the ping, the connection has this long (at most a minute) to say anything.</summary>
    public static TimeSpan GraceFor(TimeSpan timeout) => timeout < TimeSpan.FromMinutes(1) ? timeout : TimeSpan.FromMinutes(1);

    private long _lastLine = clock.GetTimestamp();

    // Only the sweep reads and writes this: when the ping went out, or 0.
    private long _pingedAt;

    public TimeSpan Grace => GraceFor(timeout);

    public void LineReceived() => Volatile.Write(ref _lastLine, clock.GetTimestamp());

    /// <summary>What is due now: nothing, a ping, or closing (pinged and still silent after the grace period).</summary>
    public IdleStep Check()
    {
        var now = clock.GetTimestamp();
        var lastLine = Volatile.Read(ref _lastLine);
        if (_pingedAt != 0)
        {
            if (lastLine < _pingedAt)
            {
                return clock.GetElapsedTime(_pingedAt, now) >= Grace ? IdleStep.Close : IdleStep.None;
            }

            _pingedAt = 0;
        }

        if (clock.GetElapsedTime(lastLine, now) < timeout)
        {
            return IdleStep.None;
        }

        _pingedAt = now;
        return IdleStep.Ping;
    }
}
