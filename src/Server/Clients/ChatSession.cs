using System.Diagnostics.CodeAnalysis;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;

namespace SocketChat.Server.Clients;

// One connected client: who it is, where it is, how it speaks, and its outbound queue.
[SuppressMessage("Design", "CA1001", Justification = "The token sources hold no timer; other threads may still call Abort after the connection ends.")]
internal sealed class ChatSession(long id, System.Net.IPAddress address, string remoteEndPoint, OutboundQueue outbound)
{
    public const string SlowConsumerReason = "slow consumer: outbound queue full";
    public const string ShutdownReason = "server shutting down";

    private readonly CancellationTokenSource _stopReading = new();
    private readonly CancellationTokenSource _abort = new();
    private string? _closeReason;
    private volatile string _nick = "(unnamed)";
    private volatile string _room = string.Empty;
    private volatile string[] _rooms = [];
    private volatile WireMode _mode;

    public long Id => id;

    // Who holds its nickname across a cluster: its identity's token (so a resume on another server may take the name
    // back), or this server's connection.
    public string NameOwner(string run) => Identity is { } identity ? $"t:{identity.Token}" : $"c:{run}/{id}";

    // The connection's log scope, also applied to what is logged for it after its messages are stored.
    public ConnectionLogScope LogScope => _logScope ??= new(id, remoteEndPoint, Web ? "web" : Protocol.Name);

    private ConnectionLogScope? _logScope;

    public System.Net.IPAddress Address => address;

    public string RemoteEndPoint => remoteEndPoint;

    public OutboundQueue Outbound => outbound;

    public string Nick { get => _nick; set => _nick = value; }

    // The room its lines of text go to: its one room, or an IRC connection's last joined channel (empty in none).
    public string Room { get => _room; set => _room = value; }

    // Every room it is in: its one room, or an IRC connection's channels (none to many). Replaced whole by the
    // directory under its lock; after the connection leaves, the rooms it was last in.
    public string[] Rooms { get => _rooms; set => _rooms = value; }

    // True when it is in room (room names compare without regard to case).
    public bool IsIn(string room) => _rooms.Contains(room, StringComparer.OrdinalIgnoreCase);

    public WireMode Mode { get => _mode; set => _mode = value; }

    // Lines read so far; /json is accepted only as the first.
    public long LinesReceived { get; set; }

    public string? CloseReason => Volatile.Read(ref _closeReason);

    // True once the connection has been greeted and has a nickname and a room.
    // Read by the login timer's thread too.
    public bool Registered { get => _registered; set => _registered = value; }

    private volatile bool _registered;

    // The flood limit this connection is under, told to JSON clients in the welcome; null when exempt or off.
    public SocketChat.Protocol.Events.SendRate? Rate { get; init; }

    // The last message this session appended (null before its first); only its read loop sets it.
    public Task<Storage.Appended>? LastAppend { get; set; }

    // The acknowledgements it is owed, made when it first appends; only its read loop sets it.
    public Acknowledgements? Acknowledgements { get; set; }


    // How it speaks: what its lines mean and how its events are written (a text connection turns JSON by its first line).
    public required IWireProtocol Protocol { get => _protocol; set => _protocol = value; }

    private volatile IWireProtocol _protocol = null!;

    // What it said of itself beyond its nickname (an IRC client's USER); null when nothing. Kept after it leaves in
    // RecentNames.
    public ClientIdent? Ident { get; set; }

    // What it said as it left (an IRC QUIT's message), told to its rooms; null when it said nothing.
    public string? QuitMessage { get; set; }

    // True while it is handled a line that must not be answered automatically (an IRC NOTICE): refusals are not sent.
    public bool Quiet { get; set; }

    // Password mode: told to log in and has not yet; no room, no nickname.
    public bool AwaitingLogin { get; set; }

    // Password mode: the account this connection logged in to (or resumed); null until then.
    public string? Account { get => _account; set => _account = value; }

    // A server operator (an operator account logged in, or /oper): above every room's rules.
    public bool ServerOperator { get; set; }

    // Hears server operators' wallops (IRC user mode +w); server operators always do.
    public bool Wallops { get; set; }

    // Said it is a bot (IRC user mode +B): its room lines carry the bot tag.
    public bool Bot { get; set; }

    // Shown its room's newest messages on joining; not a client that asks for history itself (IRC chathistory).
    public bool ReplaysHistory { get; set; } = true;

    private volatile string? _account;

    // The newest message (room or private) written to its socket: where this device got to. Set by its write loop.
    public long LastShownId { get => Volatile.Read(ref _lastShownId); set => Volatile.Write(ref _lastShownId, value); }

    private long _lastShownId;

    // Registered but not yet put where it goes (the log reader clears it as it arrives): private lines meanwhile are
    // not handed to it but read from the store with what it missed, so none comes twice or out of order.
    public bool Arriving { get => _arriving; set => _arriving = value; }

    private volatile bool _arriving;

    // Password mode: which of its account's devices this connection is (a JSON login's device, SASL's name@device,
    // our client's and the page's stable id); null when it did not say.
    public string? Device { get; set; }

    // JSON mode: the identity this connection holds, which a later connection can resume.
    public ResumableIdentity? Identity { get; set; }

    public CancellationToken ReadingStopped => _stopReading.Token;

    // Made only when someone waits for this connection to be gone, so an idle connection holds none.
    private TaskCompletionSource? _gone;
    private volatile bool _leaving;
    private volatile bool _left;

    // A browser's WebSocket (/ws) rather than a socket of its own.
    public bool Web { get; init; }

    // The connection's socket, to see whether its peer has closed before its read loop notices.
    public System.Net.Sockets.Socket? Socket { get; init; }

    // On its way out: its reading has ended, or its peer has closed and the read loop has yet to notice. Its name is
    // still held until it is gone.
    public bool Leaving
    {
        get
        {
            if (_leaving)
            {
                return true;
            }

            try
            {
                return Socket is { } socket && PeerClosed(socket);
            }
            catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ObjectDisposedException)
            {
                return true;
            }
        }
    }

    public void BeginLeaving() => _leaving = true;

    // On Linux the kernel's TCP state says whether the peer closed, even with its last lines still unread (under
    // load the read loop may be behind); elsewhere, readable with nothing to read means its FIN (or reset) waits.
    private static bool PeerClosed(System.Net.Sockets.Socket socket)
    {
        const int Tcp = 6, TcpInfo = 11;
        if (OperatingSystem.IsLinux())
        {
            Span<byte> info = stackalloc byte[8];
            if (socket.GetRawSocketOption(Tcp, TcpInfo, info) > 0)
            {
                // CLOSE (reset), CLOSE_WAIT (peer's FIN received), LAST_ACK, CLOSING.
                return info[0] is 7 or 8 or 9 or 11;
            }
        }

        return socket.Poll(0, System.Net.Sockets.SelectMode.SelectRead) && socket.Available == 0;
    }

    // It has left: its name and room are let go.
    public void Left()
    {
        _left = true;
        Volatile.Read(ref _gone)?.TrySetResult();
    }

    // Completes once Left has run.
    public Task WhenGoneAsync()
    {
        if (_left)
        {
            return Task.CompletedTask;
        }

        var created = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var gone = Interlocked.CompareExchange(ref _gone, created, null) ?? created;

        // Left may have run before the source was in place, and not seen it.
        if (_left)
        {
            gone.TrySetResult();
        }

        return gone.Task;
    }

    public CancellationToken Aborted => _abort.Token;

    // Recipients this session's messages congested since its read loop last looked. Noted by the log reader as it
    // delivers, taken by the read loop.
    private HashSet<OutboundQueue>? _congested;
    // A leaf: held for the set alone, taken by the log reader as it delivers and by the read loop.
    private readonly Lock _congestionGate = new();

    public void NoteCongestion(OutboundQueue recipient)
    {
        lock (_congestionGate)
        {
            (_congested ??= []).Add(recipient);
        }
    }

    public HashSet<OutboundQueue>? TakeCongestion()
    {
        lock (_congestionGate)
        {
            var congested = _congested;
            _congested = null;
            return congested;
        }
    }

    // Queues a live event (a room's, another client's) that may be shared with other recipients; never waits.
    public EnqueueResult Deliver(EncodedEvent message) => outbound.TryEnqueue(message, Protocol.SizeOf(message, this), live: true);

    // Queues an event for this client alone (a reply, its history), dropping the client if it is not reading.
    public void Send(ServerEvent serverEvent)
    {
        // Decided now, while what it answers is known (IRC tells a refusal as the numeric for what it asked).
        if (Protocol.Reply(this, serverEvent) is not { } reply)
        {
            return;
        }

        var message = new EncodedEvent(reply) { Reply = true };
        if (outbound.TryEnqueue(message, Protocol.SizeOf(message, this), live: false) == EnqueueResult.Full)
        {
            Abort(SlowConsumerReason);
        }
    }

    // Stops reading; queued events are still flushed.
    public void StopReading(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _stopReading.Cancel();
    }

    // Stops reading and writing at once.
    public void Abort(string reason)
    {
        Interlocked.CompareExchange(ref _closeReason, reason, null);
        _stopReading.Cancel();
        _abort.Cancel();
        outbound.Abort();
    }
}
