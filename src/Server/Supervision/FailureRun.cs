namespace SocketChat.Server.Supervision;

// How a retrying loop reports a run of failures without flooding the log: the first with its exception, then one
// line when the reason changes or a minute has passed (with how many failed meanwhile), and one when it works again.
// Used by one loop at a time.
internal sealed class FailureRun(TimeProvider clock)
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMinutes(1);

    private int _count;
    private int _unreported;
    private string? _reason;
    private DateTimeOffset _reported;

    // How many attempts have failed in a row.
    public int Count => _count;

    // Counts a failure; says whether to log it, and whether with its exception (the first of a run).
    // failures: how many failed since the last line logged, this one included.
    public FailureReport Failed(Exception exception, out int failures)
    {
        _count++;
        failures = ++_unreported;
        var now = clock.GetUtcNow();
        var report = _count == 1 ? FailureReport.First
            : exception.Message != _reason || now - _reported >= Quiet ? FailureReport.Again
            : FailureReport.None;
        if (report != FailureReport.None)
        {
            _reason = exception.Message;
            _reported = now;
            _unreported = 0;
        }

        return report;
    }

    // Counts a failure and says it when it should be said: first with the exception for the first
    // of a run, again with how many failed since the last line and the reason, when that changes or
    // each minute.
    public void Report(Exception exception, Action<Exception> first, Action<int, string> again)
    {
        switch (Failed(exception, out var failures))
        {
            case FailureReport.First:
                first(exception);
                break;
            case FailureReport.Again:
                again(failures, exception.Message);
                break;
        }
    }

    // The run is over; how many attempts had failed (0 when none had).
    public int Recovered()
    {
        var failed = _count;
        _count = 0;
        _unreported = 0;
        _reason = null;
        return failed;
    }

    // The wait before the next attempt: one second, doubling with each failure, at most limit.
    public TimeSpan Backoff(TimeSpan limit) =>
        TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Max(0, _count - 1)), limit.TotalSeconds));
}
