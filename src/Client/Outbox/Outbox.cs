using System.Globalization;
using System.Threading.Channels;
using SocketChat.Protocol.Commands;

namespace SocketChat.Client.Outbox;

// The user's lines on their way to the server, in order. Each message gets a client id and stays here until the
// server acknowledges it (or refuses it), so a line cut off by a dropped connection is sent again after the
// reconnect; the server recognises the id and never delivers it twice. Bounded: a full outbox refuses new lines.
internal sealed class Outbox(int capacity)
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private TaskCompletionSource? _emptied;
    private long _lastCid;

    public int Capacity => capacity;

    // Signalled whenever there may be something new to send.
    public ChannelReader<bool> Wake => _wake.Reader;

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    // Queues a command, giving messages a client id; false when the outbox is full.
    public bool TryAdd(ClientCommand command, out ClientCommand queued)
    {
        lock (_gate)
        {
            queued = command;
            if (_entries.Count >= capacity)
            {
                return false;
            }

            var needsAck = command is SayCommand or PrivateMessageCommand;
            if (needsAck)
            {
                queued = command with { Cid = (++_lastCid).ToString(CultureInfo.InvariantCulture) };
            }

            _entries.Add(new Entry(queued, needsAck));
        }

        _wake.Writer.TryWrite(true);
        return true;
    }

    // Everything not yet sent on this connection, in order. Commands without an acknowledgement leave the outbox now.
    public IReadOnlyList<ClientCommand> TakeUnsent()
    {
        lock (_gate)
        {
            var unsent = new List<ClientCommand>();
            foreach (var entry in _entries.Where(entry => !entry.Sent))
            {
                entry.Sent = entry.EverSent = true;
                unsent.Add(entry.Command);
            }

            _entries.RemoveAll(entry => entry.Sent && !entry.NeedsAck);
            SignalIfEmpty();
            return unsent;
        }
    }

    // The server acknowledged or refused cid; returns the command it settles.
    public ClientCommand? Settle(string? cid)
    {
        lock (_gate)
        {
            var index = _entries.FindIndex(entry => entry.Command.Cid == cid);
            if (cid is null || index < 0)
            {
                return null;
            }

            var command = _entries[index].Command;
            _entries.RemoveAt(index);
            SignalIfEmpty();
            return command;
        }
    }

    // Drops the lines never sent on any connection; returns how many.
    public int DropNeverSent()
    {
        lock (_gate)
        {
            var dropped = _entries.RemoveAll(entry => !entry.EverSent);
            SignalIfEmpty();
            return dropped;
        }
    }

    // After a reconnect: what was sent but not acknowledged goes again.
    public void Requeue()
    {
        lock (_gate)
        {
            foreach (var entry in _entries)
            {
                entry.Sent = false;
            }
        }

        _wake.Writer.TryWrite(true);
    }

    // Completes when every queued line has been acknowledged.
    public Task WhenEmpty()
    {
        lock (_gate)
        {
            if (_entries.Count == 0)
            {
                return Task.CompletedTask;
            }

            _emptied ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _emptied.Task;
        }
    }

    private void SignalIfEmpty()
    {
        if (_entries.Count == 0 && _emptied is { } emptied)
        {
            _emptied = null;
            emptied.SetResult();
        }
    }

    private sealed class Entry(ClientCommand command, bool needsAck)
    {
        public ClientCommand Command => command;

        public bool NeedsAck => needsAck;

        public bool Sent { get; set; }

        // Sent on some connection (it may go again after a reconnect): typed while chatting, not while logging in.
        public bool EverSent { get; set; }
    }
}
