using System.Diagnostics;

namespace SocketChat.Bench;

// Exact latencies (every delivery kept), for percentiles without a histogram's rounding.
internal sealed class LatencyRecorder
{
    private readonly List<long> _ticks = [];
    private readonly Lock _gate = new();

    public void Record(long sentTicks, long receivedTicks)
    {
        lock (_gate)
        {
            _ticks.Add(receivedTicks - sentTicks);
        }
    }

    public string Describe()
    {
        long[] sorted;
        lock (_gate)
        {
            sorted = [.. _ticks];
        }

        if (sorted.Length == 0)
        {
            return "no deliveries";
        }

        Array.Sort(sorted);
        string Ms(double q) => (sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1000.0 / Stopwatch.Frequency).ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);
        return $"p50 {Ms(0.50)} ms, p90 {Ms(0.90)} ms, p99 {Ms(0.99)} ms, max {Ms(1.0)} ms";
    }

    public double Percentile(double q)
    {
        lock (_gate)
        {
            if (_ticks.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _ticks.ToArray();
            Array.Sort(sorted);
            return sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))] * 1000.0 / Stopwatch.Frequency;
        }
    }
}
