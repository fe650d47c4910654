namespace SocketChat.Server.Connections;

// One connection's view of FloodControl, and how long it has been outpacing its rate.
internal sealed class FloodGate(FloodControl control, long connection, bool exempt, TimeSpan floodTimeout, TimeProvider clock, Diagnostics.ServerMetrics metrics)
{
    private bool _prepaid;
    private long? _floodingSince;

    // True when the next line may be handled now.
    public bool TryPass()
    {
        if (exempt || !control.Enabled)
        {
            return true;
        }

        if (_prepaid)
        {
            _prepaid = false;
            return true;
        }

        if (control.TryTake(connection))
        {
            return true;
        }

        _floodingSince ??= clock.GetTimestamp();
        metrics.Throttled();
        return false;
    }

    // Everything the client sent has been handled: it is not outpacing its rate (any more).
    public void CaughtUp() => _floodingSince = null;

    // Waits for the next token; false when the client has been held back for longer than the flood timeout.
    public async ValueTask<bool> WaitAsync(CancellationToken cancellationToken)
    {
        if (_floodingSince is { } since && clock.GetElapsedTime(since) > floodTimeout)
        {
            return false;
        }

        await control.WaitAsync(connection, cancellationToken);
        _prepaid = true;
        return _floodingSince is not { } started || clock.GetElapsedTime(started) <= floodTimeout;
    }
}
