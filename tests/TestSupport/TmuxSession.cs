using System.Diagnostics;

namespace SocketChat.TestSupport;

// A program in a real terminal: tmux runs it, send-keys types, capture-pane reads the screen. Each session has a
// tmux server of its own (its own socket, -S, in a directory of its own): with one shared server, the last session's
// end stops that server while the next test's new-session may be connecting to it ("server exited unexpectedly").
public sealed class TmuxSession : IAsyncDisposable
{
    private readonly string _name = $"socketchat-test-{Guid.NewGuid():N}";
    private readonly TempDirectory _directory = new();

    private TmuxSession()
    {
    }

    public static async Task<TmuxSession> StartAsync(string command)
    {
        var session = new TmuxSession();
        await session.RunAsync("new-session", "-d", "-s", session._name, "-x", "120", "-y", "30", command);
        return session;
    }

    // Types text literally, as a person would.
    public Task TypeAsync(string text) => RunAsync("send-keys", "-t", _name, "-l", text);

    // Presses keys by tmux name: Enter, C-u, C-c.
    public Task PressAsync(params string[] keys) => RunAsync(["send-keys", "-t", _name, .. keys]);

    public Task<string> CaptureAsync() => RunAsync("capture-pane", "-p", "-t", _name);

    // Reads the screen until ready holds, failing with the last screen after the timeout.
    public async Task<string[]> WaitForScreenAsync(Func<string[], bool> ready)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        var lines = Array.Empty<string>();
        while (true)
        {
            lines = (await CaptureAsync()).Split('\n').Select(line => line.TrimEnd()).Where(line => line.Length > 0).ToArray();
            if (ready(lines))
            {
                return lines;
            }

            try
            {
                await timer.WaitForNextTickAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("the terminal never showed what was expected; it showed:\n" + string.Join('\n', lines));
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsync("kill-server");
        _directory.Dispose();
    }

    private async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-S");
        start.ArgumentList.Add(_directory.File("tmux"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start tmux");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        if (process.ExitCode != 0 && arguments[0] != "kill-server")
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} failed: {await error}");
        }

        return await output;
    }
}
