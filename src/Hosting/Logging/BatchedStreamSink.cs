using System.Text;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace SocketChat.Hosting.Logging;

/// <summary>
/// Writes log events to a stream (stdout, stderr) a batch at a time: under load the server logs tens of thousands of
/// events a second, and the console sink's write and flush per event cost a system call each.
/// </summary>
internal sealed class BatchedStreamSink(Stream stream, ITextFormatter formatter) : IBatchedLogEventSink, IDisposable
{
    private readonly StreamWriter _writer = new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);

    public Task EmitBatchAsync(IReadOnlyCollection<LogEvent> batch)
    {
        foreach (var logEvent in batch)
        {
            formatter.Format(logEvent, _writer);
        }

        return _writer.FlushAsync();
    }

    public Task OnEmptyBatchAsync() => Task.CompletedTask;

    public void Dispose() => _writer.Dispose();
}
