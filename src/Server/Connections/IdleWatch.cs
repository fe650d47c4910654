namespace SocketChat.Server.Connections;

// Chat:Limits:IdleTimeoutSeconds: time since the connection's last complete line. Bytes that never finish a line
// (slowloris) do not count, so a trickling connection is pinged and closed like a silent one. The read loop notes
// lines; IdleSweep alone calls Check, so neither waits for the other.
internal sealed class IdleWatch(TimeSpan timeout, TimeProvider clock)
{
    // After the ping, the connection has this long (at most a minute) to say anything.
    public static TimeSpan GraceFor(TimeSpan timeout) => timeout < TimeSpan.FromMinutes(1) ? timeout : TimeSpan.FromMinutes(1);

    private long _lastLine = clock.GetTimestamp();

    // Only the sweep reads and writes this: when the ping went out, or 0.
    private long _pingedAt;

    public TimeSpan Grace => GraceFor(timeout);

    public void LineReceived() => Volatile.Write(ref _lastLine, clock.GetTimestamp());

    // What is due now: nothing, a ping, or closing (pinged and still silent after the grace period).
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
