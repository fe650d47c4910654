namespace SocketChat.Bench;

// Who received which line: counts unique deliveries, duplicates, lines out of their sender's order and (by
// difference) losses. Each receiver's lines are recorded by its own read loop, one at a time.
internal sealed class DeliveryTally
{
    private readonly int _senders;
    private readonly int _linesPerSender;
    private readonly bool _sendersReceive;
    private readonly byte[] _seen;
    private readonly int[] _lastSequence;
    private long _unique;
    private long _duplicates;
    private long _reordered;
    private long _foreign;
    private long _lastTicks;

    private DeliveryTally(int receivers, int senders, int linesPerSender, bool sendersReceive)
    {
        _senders = senders;
        _linesPerSender = linesPerSender;
        _sendersReceive = sendersReceive;
        _seen = new byte[(long)receivers * senders * linesPerSender];
        _lastSequence = new int[receivers * senders];
        Array.Fill(_lastSequence, -1);
        Expected = (long)receivers * (sendersReceive ? senders - 1 : senders) * linesPerSender;
    }

    public long Unique => Interlocked.Read(ref _unique);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    // Lines that arrived after a later line of the same sender.
    public long Reordered => Interlocked.Read(ref _reordered);

    // Lines whose marker named a sender or sequence that does not exist (mangled in transit).
    public long Mangled => Interlocked.Read(ref _foreign);

    public long LastTicks => Interlocked.Read(ref _lastTicks);

    public long Expected { get; }

    // Every client sends and receives everyone else's lines (receiver i is sender i).
    public static DeliveryTally Everyone(int clients, int linesPerSender) => new(clients, clients, linesPerSender, sendersReceive: true);

    // Receivers that send nothing, each expecting every sender's lines.
    public static DeliveryTally Split(int receivers, int senders, int linesPerSender) => new(receivers, senders, linesPerSender, sendersReceive: false);

    public void Record(int receiver, int sender, int sequence, long receivedTicks)
    {
        if (sender < 0 || sender >= _senders || (_sendersReceive && sender == receiver) || sequence < 0 || sequence >= _linesPerSender)
        {
            Interlocked.Increment(ref _foreign);
            return;
        }

        var pair = (receiver * _senders) + sender;
        if (Interlocked.Exchange(ref _seen[((long)pair * _linesPerSender) + sequence], 1) == 1)
        {
            Interlocked.Increment(ref _duplicates);
            return;
        }

        if (sequence < _lastSequence[pair])
        {
            Interlocked.Increment(ref _reordered);
        }

        _lastSequence[pair] = Math.Max(_lastSequence[pair], sequence);
        Interlocked.Increment(ref _unique);
        long last;
        while ((last = Interlocked.Read(ref _lastTicks)) < receivedTicks && Interlocked.CompareExchange(ref _lastTicks, receivedTicks, last) != last)
        {
        }
    }
}
