namespace SocketChat.Client.Session;

// What the client knows about itself across connections: who and where it is, and how to resume.
internal sealed class ClientState
{
    public string? Nick { get; set; }

    public string? Room { get; set; }

    public string? ResumeToken { get; set; }

    // The newest room message id seen (or acknowledged) in the current room: what a resume continues after.
    public long LastMessageId { get; set; }

    public bool EverConnected => Nick is not null;

    // Which of its account's devices this client is (DeviceName), found the first time it logs in (a guest keeps
    // no state file); null when it has none.
    public string? Device => _device ??= ResolveDevice?.Invoke();

    public Func<string?>? ResolveDevice { get; init; }

    private string? _device;

    // The newest message (room or private) shown: where this device got to, sent with a login so a reconnect is shown
    // exactly what it missed.
    public long NewestShownId { get; set; }

    // Guards the login hold and what enters the outbox, so a line is either queued before the hold (and dropped by
    // it) or refused after it, never slipped in between.
    private readonly Lock _loginGate = new();
    private bool _holdingForLogin;

    // The user is about to be asked for an account or password: from now until the login succeeds no typed line is
    // queued, and lines queued but never sent are dropped (one may be the password, typed before its prompt showed).
    // Returns how many were dropped.
    public int HoldForLogin(Outbox.Outbox outbox)
    {
        lock (_loginGate)
        {
            _holdingForLogin = true;
            return outbox.DropNeverSent();
        }
    }

    // The server welcomed this client: typed lines are chat again.
    public void LoggedIn()
    {
        lock (_loginGate)
        {
            _holdingForLogin = false;
        }
    }

    // Queues a typed command; the reason when it was not.
    public QueueRefusal? TryQueue(Outbox.Outbox outbox, Protocol.Commands.ClientCommand command)
    {
        lock (_loginGate)
        {
            return _holdingForLogin ? QueueRefusal.LoggingIn
                : !outbox.TryAdd(command, out _) ? QueueRefusal.Full
                : null;
        }
    }

    // The newest message id shown per room (ids are global and only grow, so per room is what tells "seen").
    private readonly Dictionary<string, long> _shownThrough = new(StringComparer.OrdinalIgnoreCase);

    // Records a room message as shown; false when it was shown before (history sent again after a reconnect).
    public bool Show(string room, long id)
    {
        if (_shownThrough.TryGetValue(room, out var through) && id <= through)
        {
            return false;
        }

        _shownThrough[room] = id;
        return true;
    }
}
