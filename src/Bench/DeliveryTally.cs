namespace SocketChat.Bench;

/// <summary>Who received which line: counts unique deliveries, duplicates and (by difference) losses.</summary>
internal sealed class DeliveryTally(int clients, int linesPerSender)
{
    private readonly byte[] _seen = new byte[clients * clients * linesPerSender];
    private long _unique;
    private long _duplicates;
    private long _foreign;
    private long _lastTicks;

    public long Unique => Interlocked.Read(ref _unique);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    /// <summary>Lines whose marker named a sender or sequence that does not exist (mangled in transit).</summary>
    public long Mangled => Interlocked.Read(ref _foreign);

    public long LastTicks => Interlocked.Read(ref _lastTicks);

    public long Expected => (long)clients * (clients - 1) * linesPerSender;

    public void Record(int receiver, int sender, int sequence, long receivedTicks)
    {
        if (sender < 0 || sender >= clients || sender == receiver || sequence < 0 || sequence >= linesPerSender)
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        var index = ((receiver * clients) + sender) * linesPerSender + sequence;
        if (Interlocked.Exchange(ref _seen[index], 1) == 1)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        Interlocked.Increment(ref _unique);
        long last;
        while ((last = Interlocked.Read(ref _lastTicks)) < receivedTicks && Interlocked.CompareExchange(ref _lastTicks, receivedTicks, last) != last)
        {
        }
    }
}
