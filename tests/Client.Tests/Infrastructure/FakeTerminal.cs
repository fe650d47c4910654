using System.Collections.Concurrent;
using System.Text;
using SocketChat.Hosting.Terminal;
using SocketChat.TestSupport;

namespace SocketChat.Client.Tests.Infrastructure;

// A terminal whose keys the test presses and whose screen output it reads back as raw text.
internal sealed class FakeTerminal(bool redirected = false) : ITerminal
{
    private readonly BlockingCollection<ConsoleKeyInfo> _keys = [];
    private readonly StringBuilder _written = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public bool IsInputRedirected => redirected;

    public bool IsOutputRedirected => redirected;

    public bool IsForeground => !redirected;

    public string Written
    {
        get
        {
            lock (_gate)
            {
                return _written.ToString();
            }
        }
    }

    public string? ReadLine() => null;

    public ConsoleKeyInfo ReadKey() => _keys.Take();

    public void Write(string text)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _written.Append(text);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.SetResult();
    }

    public void Type(string text)
    {
        foreach (var c in text)
        {
            _keys.Add(new ConsoleKeyInfo(c, c == '\n' ? ConsoleKey.Enter : ConsoleKey.NoName, false, false, false));
        }
    }

    public void Press(ConsoleKey key, bool control = false) =>
        _keys.Add(new ConsoleKeyInfo('\0', key, false, false, control));

    // Waits until everything written so far ends with tail.
    public async Task WaitForEndingAsync(string tail)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_written.ToString().EndsWith(tail, StringComparison.Ordinal))
                {
                    return;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"the screen never ended with {Escape(tail)}; it was: {Escape(Written)}");
            }
        }
    }

    public static string Escape(string text) => text.Replace("\u001b", "<ESC>", StringComparison.Ordinal).Replace("\r", "<CR>", StringComparison.Ordinal).Replace("\n", "<LF>", StringComparison.Ordinal);
}
