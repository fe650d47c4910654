using System.Threading.Channels;
using SocketChat.Hosting.Terminal;

namespace SocketChat.TestSupport;

// A terminal made of channels: the test types into Typed and reads what was shown.
public sealed class TestConsoleBridge(bool isTerminal = true) : IConsoleBridge
{
    private readonly Channel<string> _input = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _output = Channel.CreateUnbounded<string>();
    private readonly Lock _gate = new();
    private TaskCompletionSource<string?>? _answer;
    private bool _ended;

    public ChannelReader<string> Input => _input.Reader;

    public ChannelWriter<string> Output => _output.Writer;

    public bool IsInputTerminal => isTerminal;

    public bool IsOutputTerminal => isTerminal;

    public bool IsInteractive => isTerminal;

    // What the test types: a line answers the question being asked, if any, as at a real terminal; else it is input.
    public ChannelWriter<string> Typed => new TypedLines(this);

    // A question shows as a line of output, so tests wait for it like for any other line; the next typed line answers it.
    public async Task<string?> AskAsync(string prompt, bool secret, CancellationToken cancellationToken)
    {
        var answer = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_ended)
            {
                return null;
            }

            _answer = answer;
        }

        _output.Writer.TryWrite(secret ? $"{prompt}(secret)" : prompt);
        using var cancelled = cancellationToken.Register(() => answer.TrySetResult(null));
        var answered = await answer.Task;
        lock (_gate)
        {
            if (ReferenceEquals(_answer, answer))
            {
                _answer = null;
            }
        }

        return answered;
    }

    // Reads shown lines until one matches, failing after the default timeout.
    public async Task<string> WaitForOutputAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await foreach (var line in _output.Reader.ReadAllAsync(timeout.Token))
        {
            if (match(line))
            {
                return line;
            }
        }

        throw new InvalidOperationException("console output ended");
    }

    private bool Type(string line)
    {
        TaskCompletionSource<string?>? answer;
        lock (_gate)
        {
            answer = _answer;
            _answer = null;
        }

        return answer?.TrySetResult(line) ?? _input.Writer.TryWrite(line);
    }

    private bool End(Exception? error)
    {
        TaskCompletionSource<string?>? answer;
        lock (_gate)
        {
            _ended = true;
            answer = _answer;
            _answer = null;
        }

        answer?.TrySetResult(null);
        return _input.Writer.TryComplete(error);
    }

    private sealed class TypedLines(TestConsoleBridge bridge) : ChannelWriter<string>
    {
        public override bool TryWrite(string item) => bridge.Type(item);

        public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult(true);

        public override bool TryComplete(Exception? error = null) => bridge.End(error);
    }
}
