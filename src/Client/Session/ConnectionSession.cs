using Microsoft.Extensions.Logging;
using System.Threading.RateLimiting;
using SocketChat.Client.Connection;
using SocketChat.Client.Logging;
using SocketChat.Client.Rendering;
using SocketChat.Hosting.Terminal;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Decoders;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;

namespace SocketChat.Client.Session;

// One connection's life: the JSON handshake (resuming the earlier identity when there is one), then reading
// events and sending the outbox until the connection drops or the user terminates.
internal sealed class ConnectionSession(
    ServerConnection connection,
    string endPoint,
    ClientState state,
    Outbox.Outbox outbox,
    string? initialNick,
    Credentials credentials,
    bool encrypted,
    IConsoleBridge console,
    EventRenderer renderer,
    ILogger logger)
{
    private static readonly TimeSpan FlushOnExit = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan BusyRetry = TimeSpan.FromSeconds(2);
    private bool _refused;
    private bool _loggedIn;
    private TokenBucketRateLimiter? _pace;

    // /history requests whose answers are still coming: what they bring is shown even when it was shown before.
    private int _historyRequests;

    // True once the server welcomed this connection.
    public bool Welcomed { get; private set; }

    // Runs the connection until it drops or the user leaves. terminate completes when the user
    // leaves and what they typed is delivered; leaving is cancelled the moment they ask to leave,
    // which ends a handshake still waiting on the server (a login being checked, throttled or never answered).
    public async Task<SessionOutcome> RunAsync(Task terminate, CancellationToken leaving)
    {
        var cancellationToken = CancellationToken.None;
        WelcomeEvent? welcome;
        try
        {
            welcome = await HandshakeAsync(leaving);
        }
        catch (OperationCanceledException) when (leaving.IsCancellationRequested)
        {
            return SessionOutcome.Terminated;
        }

        if (welcome is null)
        {
            return _refused ? SessionOutcome.Refused : SessionOutcome.Dropped;
        }

        Welcomed = true;

        // The server's flood limit, kept on this side: a backlog resent after a reconnect goes out at the allowed
        // rate instead of being held back by the server and, if long, cut off as a flood.
        using var pace = welcome.Rate is { } rate ? new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = rate.Burst,
            TokensPerPeriod = rate.PerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        }) : null;
        _pace = pace;
        var restore = Restore(welcome);
        outbox.Requeue();
        foreach (var command in restore)
        {
            await SendAsync(command, cancellationToken);
        }

        using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReadEventsAsync(session.Token);
        var writing = WriteOutboxAsync(session.Token);
        var first = await Task.WhenAny(reading, writing, terminate);
        if (first == terminate)
        {
            await QuitAsync(reading);
        }

        await session.CancelAsync();
        connection.Abort();
        await Task.WhenAll(reading, writing);
        return first == terminate ? SessionOutcome.Terminated
            : _refused ? SessionOutcome.Refused
            : SessionOutcome.Dropped;
    }

    private async Task<WelcomeEvent?> HandshakeAsync(CancellationToken cancellationToken)
    {
        var request = new JsonModeCommand(state.ResumeToken, state.ResumeToken is null ? 0 : state.LastMessageId);
        await connection.SendAsync(JsonCommandWriter.Format(request), cancellationToken);

        // The text greeting may come before the server reads /json; the JSON conversation starts at the first object.
        while (await connection.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("! error: this server requires TLS", StringComparison.Ordinal))
            {
                Show(renderer.Error("the server requires TLS: start the client with --Chat:Tls:Enabled=true"));
                _refused = true;
                return null;
            }

            switch (JsonEventReader.Parse(line))
            {
                case WelcomeEvent welcome:
                    return welcome;
                case LoginRequiredEvent:
                    if (!await LogInAsync(cancellationToken))
                    {
                        return null;
                    }

                    break;
                case ErrorEvent { Code: ErrorCodes.LoginFailed } failed when credentials.FromFile is { } file:
                    // The same file would give the same password: retrying would only count failures against us.
                    Show(renderer.Error($"the server refused the password in Chat:PasswordFile ({TerminalText.Neutralize(file)}) for {TerminalText.Neutralize(credentials.Account ?? "?")}; not trying again"));
                    ClientLog.LoginFailed(logger, credentials.Account ?? string.Empty, failed.Message);
                    _refused = true;
                    return null;
                case ErrorEvent { Code: ErrorCodes.LoginFailed } failed:
                    Show(renderer.Error(TerminalText.Neutralize(failed.Message)));
                    ClientLog.LoginFailed(logger, credentials.Account ?? string.Empty, failed.Message);
                    credentials.Rejected();
                    if (!await LogInAsync(cancellationToken))
                    {
                        return null;
                    }

                    break;
                case ErrorEvent { Code: ErrorCodes.Busy } busy:
                    // Not checked (the server is busy with other logins): the same login again shortly.
                    Show(renderer.Notice($"{TerminalText.Neutralize(busy.Message)}; trying again in {BusyRetry.TotalSeconds:0} s"));
                    await Task.Delay(BusyRetry, cancellationToken);
                    if (!await LogInAsync(cancellationToken))
                    {
                        return null;
                    }

                    break;
                case ErrorEvent { Code: ErrorCodes.LoginTimeout } timedOut:
                    Show(renderer.Error(TerminalText.Neutralize(timedOut.Message)));
                    break;
                case InfoEvent info:
                    Show(renderer.Render(info)!);
                    break;
                case ErrorEvent { Code: ErrorCodes.ResumeFailed }:
                    ClientLog.ResumeFailed(logger);
                    state.ResumeToken = null;
                    break;
                case ErrorEvent { Code: ErrorCodes.Refused } refused:
                    Show(renderer.Error(TerminalText.Neutralize(refused.Message)));
                    _refused = true;
                    return null;
            }
        }

        return null;
    }

    private async Task<bool> LogInAsync(CancellationToken cancellationToken)
    {
        if (await credentials.GetAsync() is not { } login)
        {
            // The user left (Ctrl+C, Ctrl+D at a terminal), or piped input ended with nothing to answer: the latter
            // cannot be retried.
            if (!cancellationToken.IsCancellationRequested && !console.IsInputTerminal)
            {
                Show(renderer.Error("no password was given before input ended; for scripts and piped input, give it with --Chat:PasswordFile=FILE"));
                _refused = true;
            }

            return false;
        }

        if (!encrypted && !IsThisMachine(endPoint))
        {
            Show(renderer.Warning("sending the password without TLS; anyone on the way can read it (use --Chat:Tls:Enabled=true)"));
        }

        _loggedIn = true;
        await SendAsync(login with { Device = state.Device, LastId = state.NewestShownId > 0 ? state.NewestShownId : null }, cancellationToken);
        return true;
    }

    private static bool IsThisMachine(string endPoint)
    {
        var host = endPoint[..endPoint.LastIndexOf(':')].Trim('[', ']');
        return host == "localhost" || (System.Net.IPAddress.TryParse(host, out var address) && System.Net.IPAddress.IsLoopback(address));
    }

    // Puts the user back where they were: a resumed identity needs nothing; a new one (the server restarted or the
    // resume window passed) takes the old nickname and room again before any queued line is resent.
    private List<ClientCommand> Restore(WelcomeEvent welcome)
    {
        var restore = new List<ClientCommand>();
        var wanted = (Nick: state.Nick ?? initialNick, Room: state.Room);
        // After a login the nickname is the account's; it cannot (and need not) be changed.
        if (!welcome.Resumed && !_loggedIn && !string.IsNullOrEmpty(wanted.Nick) && !string.Equals(wanted.Nick, welcome.Nick, StringComparison.Ordinal))
        {
            restore.Add(new NickCommand(wanted.Nick));
        }

        // Also after a resume: a server that died before it stored this client's last move resumes it in the room
        // before, and the lines it resends belong in the room it moved to.
        if (wanted.Room is not null && !string.Equals(wanted.Room, welcome.Room, StringComparison.OrdinalIgnoreCase))
        {
            restore.Add(new JoinCommand(wanted.Room));
        }

        // Typed lines are chat again from here; said before "connected" shows, so nothing typed after it is refused.
        state.LoggedIn();
        var verb = !state.EverConnected ? "connected to " + endPoint : welcome.Resumed ? "reconnected" : "reconnected (a new session)";
        Show(renderer.Notice($"{verb} as {TerminalText.Neutralize(welcome.Nick)} in {TerminalText.Neutralize(welcome.Room)}"));
        ClientLog.Connected(logger, endPoint, welcome.Nick, welcome.Room, welcome.Resumed);
        if (!welcome.Resumed)
        {
            state.LastMessageId = 0;
        }

        state.Nick = welcome.Nick;
        state.Room = welcome.Room;
        state.ResumeToken = welcome.Token;
        return restore;
    }

    private async Task ReadEventsAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (await connection.ReadLineAsync(cancellationToken) is { } line)
            {
                ClientLog.Received(logger, line);
                if (JsonEventReader.Parse(line) is { } serverEvent)
                {
                    Apply(serverEvent);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // The connection ended; the caller decides what comes next.
        }
    }

    private void Apply(ServerEvent serverEvent)
    {
        switch (serverEvent)
        {
            case AckEvent ack:
                ClientLog.Acknowledged(logger, ack.Cid, ack.Id);
                if (outbox.Settle(ack.Cid) is SayCommand && ack.Id > state.LastMessageId)
                {
                    state.LastMessageId = ack.Id;
                    if (state.Room is { } room)
                    {
                        state.Show(room, ack.Id);
                    }
                }

                return;
            case KeepAliveEvent:
                // The server heard nothing for a while; any line keeps the connection, and a ping says nothing to anyone.
                outbox.TryAdd(new PingCommand(), out _);
                return;
            case ErrorEvent error:
                outbox.Settle(error.Cid);
                // Refused, or replaced by a login to the same account elsewhere: reconnecting would take it back,
                // and the other client would do the same, for ever.
                _refused |= error.Code is ErrorCodes.Refused or ErrorCodes.LoggedInElsewhere;
                break;
            case HistoryEndEvent:
                Interlocked.Decrement(ref _historyRequests);
                break;
            case RoomMessageEvent { History: true } seen when !state.Show(seen.Room, seen.Id) && Volatile.Read(ref _historyRequests) <= 0:
                // The room's history is sent again on every new session; what was shown once is not shown twice,
                // unless the user asked for it (/history).
                return;
            case AnnouncementEvent { History: true } seen when !state.Show(state.Room ?? string.Empty, seen.Id) && Volatile.Read(ref _historyRequests) <= 0:
                // Operator lines come with every room's history; likewise shown once.
                return;
            case AnnouncementEvent announcement:
                state.Show(state.Room ?? string.Empty, announcement.Id);
                break;
            case RoomMessageEvent message when string.Equals(message.Room, state.Room, StringComparison.OrdinalIgnoreCase):
                state.Show(message.Room, message.Id);
                state.LastMessageId = Math.Max(state.LastMessageId, message.Id);
                state.NewestShownId = Math.Max(state.NewestShownId, message.Id);
                break;
            case PrivateMessageEvent told:
                state.NewestShownId = Math.Max(state.NewestShownId, told.Id);
                break;
            case PresenceEvent { Action: PresenceAction.Rename } rename when string.Equals(rename.OldNick, state.Nick, StringComparison.Ordinal):
                state.Nick = rename.Nick;
                break;
            case PresenceEvent { Action: PresenceAction.Join } join when string.Equals(join.Nick, state.Nick, StringComparison.Ordinal):
                state.Room = join.Room;
                state.LastMessageId = 0;
                break;
        }

        if (renderer.Render(serverEvent) is { } shown)
        {
            Show(shown);
        }
    }

    private async Task WriteOutboxAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                foreach (var command in outbox.TakeUnsent())
                {
                    await SendAsync(command, cancellationToken);
                }

                await outbox.Wake.ReadAsync(cancellationToken);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // A failed write ends the connection; the read side sees it too.
            connection.Abort();
        }
    }

    // The user is leaving: let queued lines reach the server first (briefly), then say goodbye properly.
    private async Task QuitAsync(Task reading)
    {
        try
        {
            await outbox.WhenEmpty().WaitAsync(FlushOnExit);
        }
        catch (TimeoutException)
        {
            // The server is not answering; leave anyway.
        }

        ClientLog.Terminating(logger, outbox.Count);
        try
        {
            await connection.SendAsync(JsonCommandWriter.Format(new QuitCommand()), CancellationToken.None);
            await reading.WaitAsync(FlushOnExit);
        }
        catch (Exception ex) when (ex is TimeoutException or IOException or System.Net.Sockets.SocketException or ObjectDisposedException)
        {
            // Closing regardless.
        }
    }

    private async Task SendAsync(ClientCommand command, CancellationToken cancellationToken)
    {
        if (_pace is not null)
        {
            using var lease = await _pace.AcquireAsync(1, cancellationToken);
        }

        if (command is HistoryCommand)
        {
            Interlocked.Increment(ref _historyRequests);
        }

        var line = JsonCommandWriter.Format(command);
        await connection.SendAsync(line, cancellationToken);
        // The line carries its cid when it has one; a command without one (a rename, a ping) is logged just as sent.
        ClientLog.Sent(logger, command is LoginCommand login ? JsonCommandWriter.Format(login with { Password = "***" }) : line);
    }

    private void Show(string line) => console.Output.TryWrite(line);
}
