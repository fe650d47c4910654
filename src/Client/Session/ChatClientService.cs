using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Client.Configuration;
using SocketChat.Client.Connection;
using SocketChat.Client.Logging;
using SocketChat.Client.Rendering;
using SocketChat.Hosting.Terminal;
using SocketChat.Protocol.Commands;

namespace SocketChat.Client.Session;

// The chat client: reads the user's lines from the console bridge into the outbox, and keeps a connection to the
// server (reconnecting with backoff) that sends them and shows what arrives.
internal sealed class ChatClientService(
    IConsoleBridge console,
    IOptions<ClientOptions> options,
    ClientExit exit,
    IHostApplicationLifetime lifetime,
    ILogger<ChatClientService> logger) : BackgroundService
{
    public const string Greeting = "Enter your Message to server or 'terminate' (if you want to close the connection):";
    public const string Farewell = "Terminating client.....";

    // Leave now: 'terminate', /quit, Ctrl+C, Ctrl+D at the terminal, SIGTERM.
    private readonly TaskCompletionSource _leave = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _leaving = new();

    // The end of piped input: deliver what was queued, then leave.
    private readonly TaskCompletionSource _inputEnded = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ClientState _state = new() { ResolveDevice = () => DeviceName.Resolve(options.Value) };
    private readonly EventRenderer _renderer = new(console.IsOutputTerminal);
    private readonly Outbox.Outbox _outbox = new(options.Value.MaxQueuedLines);
    private readonly Backoff _backoff = new(options.Value.Reconnect, Random.Shared);
    private readonly IReadOnlyList<ServerAddress> _servers = options.Value.Addresses();
    private Credentials? _credentials;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Ctrl+C and SIGTERM (when the terminal does not hand Ctrl+C to the editor) end the chat like 'terminate'.
        using var stopping = stoppingToken.Register(Leave);
        using var inputStop = new CancellationTokenSource();
        // The seed's banner is for a person at a terminal; piped input gets plain lines only.
        if (console.IsInteractive)
        {
            Show(Greeting);
        }

        if (options.Value.Tls.Enabled && options.Value.Tls.AllowUntrusted)
        {
            Show(_renderer.Warning("Chat:Tls:AllowUntrusted=true, so the server's certificate is not checked; anyone on the way can read and change this chat"));
            ClientLog.UntrustedAllowed(logger);
        }

        _credentials = new Credentials(options.Value.Nick, options.Value.PasswordFile, AskAsync);
        var input = ReadInputAsync(inputStop.Token);
        try
        {
            exit.Code = await ConnectLoopAsync();
        }
        finally
        {
            if (_outbox.Count > 0)
            {
                Show(_renderer.Error(_outbox.Count == 1 ? "1 line was not delivered" : $"{_outbox.Count} lines were not delivered"));
            }

            if (exit.Code == 0)
            {
                Show(Farewell);
            }

            await inputStop.CancelAsync();
            await input;
            lifetime.StopApplication();
        }
    }

    private async Task ReadInputAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var line in console.Input.ReadAllAsync(cancellationToken))
            {
                if (line.Trim() is "terminate" or "/quit")
                {
                    Leave();
                    return;
                }

                Queue(line);
            }
        }
        catch (OperationCanceledException)
        {
            return;
        }

        // A person at the terminal pressed Ctrl+D (or Ctrl+C): they are done. A pipe that ended has said everything
        // it had to say, and those lines are delivered first.
        if (console.IsInputTerminal)
        {
            Leave();
        }
        else
        {
            _inputEnded.TrySetResult();
        }
    }

    // Asks the user something (an account, a password); null when input ended or the user left first. Until the
    // login succeeds nothing typed at the chat prompt is sent: it may be the password, typed before its prompt showed.
    private async Task<string?> AskAsync(string prompt, bool secret)
    {
        var dropped = _state.HoldForLogin(_outbox);
        if (dropped > 0)
        {
            // A script's piped lines all arrive before the server asks: they are chat, never a password.
            var hint = console.IsInputTerminal ? string.Empty : " (with piped input, give the password with --Chat:PasswordFile=FILE)";
            Show(_renderer.Error(dropped == 1
                ? $"1 line typed before logging in was not sent{hint}"
                : $"{dropped} lines typed before logging in were not sent{hint}"));
        }

        try
        {
            return await console.AskAsync(prompt, secret, _leaving.Token);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private void Leave()
    {
        _leave.TrySetResult();
        _leaving.Cancel();
    }

    // Completes when the session should say goodbye: at once, or once piped input is over and acknowledged.
    private async Task WhenDoneAsync()
    {
        var inputDelivered = DeliveredAfterInputAsync();
        await Task.WhenAny(_leave.Task, inputDelivered);
    }

    private async Task DeliveredAfterInputAsync()
    {
        await _inputEnded.Task;
        await _outbox.WhenEmpty();
    }

    private bool Done => _leave.Task.IsCompleted || (_inputEnded.Task.IsCompleted && _outbox.Count == 0);

    public override void Dispose()
    {
        _leaving.Dispose();
        base.Dispose();
    }

    private void Queue(string line)
    {
        switch (TextCommandParser.Parse(line))
        {
            case null:
                return;
            case InvalidCommand invalid:
                Show(_renderer.Error(invalid.Message));
                return;
            case JsonModeCommand:
                Show(_renderer.Error("/json is for programs; this client already speaks it"));
                return;
            case LoginCommand:
                Show(_renderer.Error("this client logs in by itself: start it with --Chat:Nick=ACCOUNT and it asks for the password"));
                return;
            case { } command when _state.TryQueue(_outbox, command) is { } refusal:
                Show(_renderer.Error(refusal == QueueRefusal.Full
                    ? $"not sent: {_outbox.Capacity} lines are already waiting for the server"
                    : "not sent: you are not logged in yet; answer the prompt first"));
                return;
        }
    }

    // Several servers (a cluster): each attempt tries the next at once after one that cannot be reached, and waits
    // (backoff) only once every server has been tried; a connection that drops tries the next server first.
    private async Task<int> ConnectLoopAsync()
    {
        var settings = options.Value;
        var attempt = 0;
        var next = 0;
        var failedInARow = 0;
        var done = WhenDoneAsync();
        var tried = false;

        // The first attempt is made even when piped input is already over, so an unreachable server is reported.
        while (!(tried ? Done : _leave.Task.IsCompleted))
        {
            tried = true;
            var server = _servers[next];
            var endPoint = server.ToString();
            var tls = settings.Tls.Enabled ? new TlsConnector(settings.Tls, server.Host) : null;
            ServerConnection connection;
            try
            {
                connection = await ServerConnection.ConnectAsync(
                    server.Host, server.Port, tls, TimeSpan.FromSeconds(settings.ConnectTimeoutSeconds), _leaving.Token);
            }
            catch (OperationCanceledException)
            {
                return 0;
            }
            catch (ConnectFailure failure) when (failure.Fatal)
            {
                ClientLog.ConnectFailed(logger, endPoint, failure.Message);
                Show(_renderer.Error($"cannot connect to {endPoint}: {failure.Message}"));
                return 1;
            }
            catch (ConnectFailure failure)
            {
                ClientLog.ConnectFailed(logger, endPoint, failure.Message);
                next = (next + 1) % _servers.Count;
                if (++failedInARow < _servers.Count)
                {
                    Show(_renderer.Notice($"cannot connect to {endPoint}: {failure.Message}; trying {_servers[next]}"));
                    continue;
                }

                failedInARow = 0;
                if (!await WaitToRetryAsync($"cannot connect to {endPoint}: {failure.Message}", ++attempt))
                {
                    return _leave.Task.IsCompleted ? 0 : 1;
                }

                continue;
            }

            SessionOutcome outcome;
            await using (connection)
            {
                var session = new ConnectionSession(connection, endPoint, _state, _outbox, settings.Nick, _credentials!, tls is not null, console, _renderer, logger);
                outcome = await session.RunAsync(done, _leaving.Token);

                // A server that let this client in counts as working; one that drops it before is like one that refused.
                if (session.Welcomed)
                {
                    failedInARow = 0;
                }
            }

            switch (outcome)
            {
                case SessionOutcome.Terminated:
                    return 0;
                case SessionOutcome.Refused:
                    return 1;
            }

            ClientLog.ConnectionLost(logger, endPoint);
            if (_servers.Count > 1 && ++failedInARow < _servers.Count)
            {
                // The server may be gone (a node that died): another one of the cluster, at once.
                next = (next + 1) % _servers.Count;
                Show(_renderer.Notice($"connection lost; trying {_servers[next]}"));
                continue;
            }

            failedInARow = 0;
            next = (next + 1) % _servers.Count;

            attempt = _state.EverConnected ? 1 : attempt + 1;
            if (!await WaitToRetryAsync("connection lost", attempt))
            {
                return _leave.Task.IsCompleted ? 0 : 1;
            }
        }

        return 0;
    }

    // Says what happened and waits before the next attempt; false when giving up or the user terminated meanwhile.
    private async Task<bool> WaitToRetryAsync(string what, int attempt)
    {
        if (_leave.Task.IsCompleted)
        {
            return false;
        }

        if (_backoff.GivesUpBefore(attempt))
        {
            Show(_renderer.Error($"{what}; giving up"));
            ClientLog.GaveUp(logger, attempt - 1);
            return false;
        }

        var delay = _backoff.Delay(attempt);
        Show(_renderer.Notice($"{what}; reconnecting in {Backoff.Describe(delay)} (attempt {attempt})"));
        ClientLog.Reconnecting(logger, delay, attempt);
        await Task.WhenAny(Task.Delay(delay), _leave.Task);
        return !_leave.Task.IsCompleted;
    }

    private void Show(string line) => console.Output.TryWrite(line);
}
