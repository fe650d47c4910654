using System.Threading.Channels;

namespace SocketChat.Hosting.Terminal;

// The terminal behind IConsoleBridge. With a prompt and a terminal on both ends it edits the line
// being typed and prints incoming lines above it; otherwise (a pipe, a file, systemd) it reads and writes plain
// lines with no escape codes.
// A question and the line that answers it are decided under the screen lock: the question is drawn, then the next
// line submitted answers it. So a line typed just before the question appears can never answer it, and an answer
// (a password) can never become a chat line.
public sealed class ConsoleBridge : IConsoleBridge, IAsyncDisposable
{
    private readonly ITerminal _terminal;
    private readonly PromptRenderer? _renderer;
    private readonly LineEditor _editor = new();
    private readonly Lock _screen = new();
    private readonly Channel<string> _input = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { SingleWriter = true });
    private readonly Channel<string> _output = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private readonly Lazy<Thread> _inputThread;
    private readonly Task _outputPump;

    // Under _screen: the question being asked, and what was half typed at the chat prompt when it came.
    private TaskCompletionSource<string?>? _answer;
    private string _stashed = string.Empty;
    private bool _inputEnded;

    // terminal: The terminal.
    // prompt: The prompt for line editing (the client's " You: "); null reads plain lines.
    public ConsoleBridge(ITerminal terminal, string? prompt = null)
    {
        _terminal = terminal;
        if (prompt is not null && !terminal.IsInputRedirected && !terminal.IsOutputRedirected)
        {
            _renderer = new PromptRenderer(prompt);
        }

        _inputThread = new Lazy<Thread>(StartInputThread);
        _outputPump = PumpOutputAsync();
    }

    // stdin is read only once somebody asks for it, so a server without an operator console never touches it.
    public ChannelReader<string> Input
    {
        get
        {
            _ = _inputThread.Value;
            return _input.Reader;
        }
    }

    public ChannelWriter<string> Output => _output.Writer;

    public bool IsInputTerminal => !_terminal.IsInputRedirected;

    public bool IsOutputTerminal => !_terminal.IsOutputRedirected;

    public bool IsInteractive => IsInputTerminal && IsOutputTerminal && _terminal.IsForeground;

    // True when lines are edited in place with a prompt.
    public bool IsEditing => _renderer is not null;

    public async Task<string?> AskAsync(string prompt, bool secret, CancellationToken cancellationToken)
    {
        _ = _inputThread.Value;
        var answer = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_screen)
        {
            if (_inputEnded)
            {
                return null;
            }

            _answer?.TrySetResult(null);
            _answer = answer;
            if (_renderer is null)
            {
                // Plain lines: the question is a line of its own, and the answer is the next line read.
                _output.Writer.TryWrite(prompt);
            }
            else
            {
                // What was half typed at the chat prompt waits until the question is answered.
                _stashed = _editor.TakeText();
                _renderer.Ask(prompt, secret);
                _editor.Remember = !secret;
                _terminal.Write(_renderer.Redraw(_editor));
            }
        }

        using var cancelled = cancellationToken.Register(() => Withdraw(answer));
        return await answer.Task.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _output.Writer.TryComplete();
        await _outputPump.ConfigureAwait(false);
        if (_renderer is not null && _inputThread.IsValueCreated)
        {
            lock (_screen)
            {
                _terminal.Write(PromptRenderer.Clear);
            }
        }
    }

    // A question nobody waits for any more (the user left): the chat prompt comes back.
    private void Withdraw(TaskCompletionSource<string?> answer)
    {
        lock (_screen)
        {
            if (!ReferenceEquals(_answer, answer))
            {
                return;
            }

            _answer = null;
            if (_renderer is not null)
            {
                _renderer.EndQuestion();
                _editor.Remember = true;
                _editor.Restore(_stashed);
                _terminal.Write(_renderer.Redraw(_editor));
            }
        }

        answer.TrySetResult(null);
    }

    private Thread StartInputThread()
    {
        // Reading the terminal blocks its thread and cannot be cancelled, so it gets a dedicated background thread
        // that cannot hold up process exit; end of input completes the channel.
        var thread = new Thread(_renderer is null ? ReadLines : ReadKeys) { IsBackground = true, Name = "console-input" };
        thread.Start();
        return thread;
    }

    private void ReadLines()
    {
        try
        {
            while (_terminal.ReadLine() is { } line)
            {
                TaskCompletionSource<string?>? answer;
                lock (_screen)
                {
                    answer = _answer;
                    _answer = null;
                }

                if (answer is not null)
                {
                    answer.TrySetResult(line);
                    continue;
                }

                // This thread exists to block; waiting here applies backpressure to a fast pipe.
                _input.Writer.WriteAsync(line).AsTask().GetAwaiter().GetResult();
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or ChannelClosedException or InvalidOperationException)
        {
            // Input is over either way.
        }

        EndInput();
    }

    private void ReadKeys()
    {
        var renderer = _renderer!;
        lock (_screen)
        {
            _terminal.Write(renderer.Redraw(_editor));
        }

        try
        {
            while (true)
            {
                var key = _terminal.ReadKey();
                string? submitted;
                TaskCompletionSource<string?>? answer = null;
                lock (_screen)
                {
                    switch (_editor.Apply(key, out submitted))
                    {
                        case EditOutcome.Changed:
                            _terminal.Write(renderer.Redraw(_editor));
                            break;
                        case EditOutcome.Submitted:
                            answer = _answer;
                            _answer = null;
                            if (answer is not null)
                            {
                                _editor.Restore(_stashed);
                            }

                            _terminal.Write(renderer.Commit(submitted!, _editor));
                            _editor.Remember = true;
                            break;
                        case EditOutcome.EndOfInput:
                            EndInputLocked();
                            return;
                    }
                }

                if (answer is not null)
                {
                    answer.TrySetResult(submitted);
                }
                else if (submitted is not null)
                {
                    _input.Writer.WriteAsync(submitted).AsTask().GetAwaiter().GetResult();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or ChannelClosedException or InvalidOperationException)
        {
            EndInput();
        }
    }

    private void EndInput()
    {
        lock (_screen)
        {
            EndInputLocked();
        }
    }

    private void EndInputLocked()
    {
        _inputEnded = true;
        _answer?.TrySetResult(null);
        _answer = null;
        _input.Writer.TryComplete();
    }

    private async Task PumpOutputAsync()
    {
        await Task.Yield();
        await foreach (var line in _output.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            lock (_screen)
            {
                _terminal.Write(_renderer is null ? line + Environment.NewLine : _renderer.PrintAbove(line, _editor));
            }
        }
    }
}
