using System.Diagnostics;
using System.Threading.Channels;

namespace SocketChat.TestSupport;

// A program run by a test, with its output lines readable under a timeout.
public sealed class ChildProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _stdout = Channel.CreateUnbounded<string>();
    private readonly Channel<string> _stderr = Channel.CreateUnbounded<string>();

    private ChildProcess(Process process)
    {
        _process = process;
        process.OutputDataReceived += (_, e) => Forward(_stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Forward(_stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Id => _process.Id;

    public StreamWriter StandardInput => _process.StandardInput;

    public static ChildProcess Start(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory ?? string.Empty,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return new ChildProcess(Process.Start(start) ?? throw new InvalidOperationException($"could not start {fileName}"));
    }

    // Runs the server built next to the tests, as `dotnet SocketChat.Server.dll ARGS`.
    // Unless the arguments name one, the server gets a data directory of its own, so parallel tests never share a store.
    public static ChildProcess StartServer(IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var all = arguments.ToList();
        if (!all.Any(argument => argument.StartsWith("--Chat:DataDirectory=", StringComparison.Ordinal) || argument == "users")
            && environment?.ContainsKey("Chat__DataDirectory") != true)
        {
            all.Add($"--Chat:DataDirectory={Directory.CreateTempSubdirectory("socketchat-data-").FullName}");
        }

        return Start("dotnet", [Path.Combine(AppContext.BaseDirectory, "SocketChat.Server.dll"), .. all], environment);
    }

    public Task<string> ReadOutputLineAsync(Func<string, bool> match) => ReadAsync(_stdout, match, TestTimeouts.Default);

    // Waits up to limit for a matching line (a program that is built first).
    public Task<string> ReadOutputLineAsync(Func<string, bool> match, TimeSpan limit) => ReadAsync(_stdout, match, limit);

    // A server child in text log format: waits for "Listening on 127.0.0.1:PORT" and returns the port.
    public async Task<int> ReadListeningPortAsync()
    {
        var line = await ReadOutputLineAsync(text => text.Contains("Listening on 127.0.0.1:", StringComparison.Ordinal));
        return int.Parse(line[(line.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<string> ReadErrorLineAsync(Func<string, bool> match) => ReadAsync(_stderr, match, TestTimeouts.Default);

    // Waits for exit and returns the exit code with everything written to stdout and stderr.
    public async Task<(int ExitCode, List<string> Output, List<string> Error)> WaitForExitAsync(TimeSpan? limit = null)
    {
        using var timeout = new CancellationTokenSource(limit ?? TestTimeouts.Default);
        await _process.WaitForExitAsync(timeout.Token);
        var output = await _stdout.Reader.ReadAllAsync(timeout.Token).ToListAsync(timeout.Token);
        var error = await _stderr.Reader.ReadAllAsync(timeout.Token).ToListAsync(timeout.Token);
        return (_process.ExitCode, output, error);
    }

    // Sends SIGTERM, as systemd and docker stop do.
    public Task TerminateAsync() => SignalAsync("TERM");

    // Sends a signal by name (INT is Ctrl+C at a terminal).
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [$"-{signal}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TestTimeouts.Default);
        }

        _process.Dispose();
    }

    private static void Forward(Channel<string> channel, string? line)
    {
        if (line is null)
        {
            channel.Writer.TryComplete();
        }
        else
        {
            channel.Writer.TryWrite(line);
        }
    }

    private static async Task<string> ReadAsync(Channel<string> channel, Func<string, bool> match, TimeSpan limit)
    {
        using var timeout = new CancellationTokenSource(limit);
        await foreach (var line in channel.Reader.ReadAllAsync(timeout.Token))
        {
            if (match(line))
            {
                return line;
            }
        }

        throw new InvalidOperationException("the process closed its output before the expected line");
    }
}
