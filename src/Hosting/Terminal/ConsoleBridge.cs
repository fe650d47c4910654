using System.Threading.Channels;

namespace SocketChat.Hosting.Terminal;

/// <summary>
/// The terminal behind <see cref="IConsoleBridge"/>. With a prompt and a terminal on both ends it edits the line
/// being typed and prints incoming lines above it; otherwise (a pipe, a file, systemd) it reads and writes plain
/// lines with no escape codes.
/// </summary>
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

    /// <param name="terminal">The terminal.</param>
    /// <param name="prompt">The prompt for line editing (the client's " You: "); null reads plain lines.</param>
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

    public void Ask(string prompt, bool secret)
    {
        if (_renderer is null)
        {
            // Plain lines: the question is a line of its own, and the answer is the next line read.
            _output.Writer.TryWrite(prompt);
            return;
        }

        lock (_screen)
        {
            _renderer.Ask(prompt, secret);
            _editor.Remember = !secret;
            if (_inputThread.IsValueCreated)
            {
                _terminal.Write(_renderer.Redraw(_editor));
            }
        }
    }

    /// <summary>True when lines are edited in place with a prompt.</summary>
    public bool IsEditing => _renderer is not null;

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
                // This thread exists to block; waiting here applies backpressure to a fast pipe.
                _input.Writer.WriteAsync(line).AsTask().GetAwaiter().GetResult();
            }

            _input.Writer.TryComplete();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or ChannelClosedException or InvalidOperationException)
        {
            _input.Writer.TryComplete();
        }
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
                lock (_screen)
                {
                    switch (_editor.Apply(key, out submitted))
                    {
                        case EditOutcome.Changed:
                            _terminal.Write(renderer.Redraw(_editor));
                            break;
                        case EditOutcome.Submitted:
                            _terminal.Write(renderer.Commit(submitted!, _editor));
                            _editor.Remember = true;
                            break;
                        case EditOutcome.EndOfInput:
                            _input.Writer.TryComplete();
                            return;
                    }
                }

                if (submitted is not null)
                {
                    _input.Writer.WriteAsync(submitted).AsTask().GetAwaiter().GetResult();
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or ChannelClosedException or InvalidOperationException)
        {
            _input.Writer.TryComplete();
        }
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
