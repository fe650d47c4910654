using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace SocketChat.TestSupport;

public sealed class InMemorySink : ILogEventSink
{
    private readonly Lock _gate = new();
    private readonly List<(Func<LogEvent, bool> Match, TaskCompletionSource<LogEvent> Seen)> _waiters = [];

    public ConcurrentQueue<LogEvent> Events { get; } = new();

    public void Emit(LogEvent logEvent)
    {
        Events.Enqueue(logEvent);
        lock (_gate)
        {
            foreach (var waiter in _waiters.Where(waiter => waiter.Match(logEvent)).ToArray())
            {
                _waiters.Remove(waiter);
                waiter.Seen.TrySetResult(logEvent);
            }
        }
    }

    // The first event (already logged or still to come) that matches; fails after the test timeout.
    public Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match) => WaitForAsync(match, TestTimeouts.Default);

    // The first event (already logged or still to come) that matches; fails after limit.
    public Task<LogEvent> WaitForAsync(Func<LogEvent, bool> match, TimeSpan limit)
    {
        var seen = new TaskCompletionSource<LogEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (Events.FirstOrDefault(match) is { } logged)
            {
                return Task.FromResult(logged);
            }

            _waiters.Add((match, seen));
        }

        return seen.Task.WaitAsync(limit);
    }

    // Every event rendered as text, for asserting what the log does or does not say.
    public string RenderAll() => string.Join('\n', Events.Select(e => e.RenderMessage()));
}
