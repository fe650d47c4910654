using System.Threading.Channels;

namespace SocketChat.Hosting.Terminal;

/// <summary>The real terminal behind <see cref="IConsoleBridge"/>.</summary>
public sealed class SystemConsoleBridge : IConsoleBridge, IAsyncDisposable
{
    private readonly Channel<string> _input = Channel.CreateBounded<string>(new BoundedChannelOptions(256) { SingleWriter = true });
    private readonly Channel<string> _output = Channel.CreateBounded<string>(new BoundedChannelOptions(10_000) { SingleReader = true });
    private readonly Lazy<Thread> _inputThread;
    private readonly Task _outputPump;

    public SystemConsoleBridge()
    {
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

    public bool IsInputTerminal => !Console.IsInputRedirected;

    public bool IsOutputTerminal => !Console.IsOutputRedirected;

    public async ValueTask DisposeAsync()
    {
        _output.Writer.TryComplete();
        await _outputPump.ConfigureAwait(false);
    }

    private Thread StartInputThread()
    {
        // Console.In.ReadLine blocks its thread and cannot be cancelled, so it gets a dedicated background thread
        // that cannot hold up process exit; end of input completes the channel.
        var thread = new Thread(ReadInput) { IsBackground = true, Name = "console-input" };
        thread.Start();
        return thread;
    }

    private void ReadInput()
    {
        try
        {
            while (Console.In.ReadLine() is { } line)
            {
                // This thread exists to block; waiting here applies backpressure to a fast pipe.
                _input.Writer.WriteAsync(line).AsTask().GetAwaiter().GetResult();
            }

            _input.Writer.TryComplete();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or ChannelClosedException)
        {
            _input.Writer.TryComplete(ex is ChannelClosedException ? null : ex);
        }
    }

    private async Task PumpOutputAsync()
    {
        await Task.Yield();
        await foreach (var line in _output.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            await Console.Out.WriteLineAsync(line).ConfigureAwait(false);
        }

        await Console.Out.FlushAsync().ConfigureAwait(false);
    }
}
