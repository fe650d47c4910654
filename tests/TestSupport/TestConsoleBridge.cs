using System.Threading.Channels;
using SocketChat.Hosting.Terminal;

namespace SocketChat.TestSupport;

/// <summary>A terminal made of channels: the test types into <see cref="Typed"/> and reads what was shown.</summary>
public sealed class TestConsoleBridge(bool isTerminal = true) : IConsoleBridge
{
    private readonly Channel<string> _input = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _output = Channel.CreateUnbounded<string>();

    public ChannelReader<string> Input => _input.Reader;

    public ChannelWriter<string> Output => _output.Writer;

    public bool IsInputTerminal => isTerminal;

    public bool IsOutputTerminal => isTerminal;

    public ChannelWriter<string> Typed => _input.Writer;

    /// <summary>A question shows as a line of output, so tests wait for it like for any other line.</summary>
    public void Ask(string prompt, bool secret) => _output.Writer.TryWrite(secret ? $"{prompt}(secret)" : prompt);

    /// <summary>Reads shown lines until one matches, failing after the default timeout.</summary>
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
}
