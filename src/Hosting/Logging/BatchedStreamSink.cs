using System.Text;
using System.Threading.Channels;
using Serilog.Core;
using Serilog.Events;
using Serilog.Formatting;

namespace SocketChat.Hosting.Logging;

// Writes log events to a stream (stdout, stderr) from a thread of its own, everything waiting at once in one write:
// under load the server logs tens of thousands of events a second, and a write and flush per event would cost a
// system call each. Nothing is dropped: when capacity events are waiting, whoever logs waits for room
// (the operator's log keeps every message; a log that cannot keep up slows the chat instead).
// The writer runs on the thread pool once it has waited. When the log is so far behind that loggers wait, they
// hold pool threads the writer may need; the pool adds threads when its work waits, so the writer goes on,
// slower. A dedicated writer thread avoids that but cost 3-10% of the server's CPU in the fan-out benchmark.
internal sealed class BatchedStreamSink : ILogEventSink, IDisposable
{
    private const int MaxBatch = 1000;

    private readonly Channel<LogEvent> _waiting;
    private readonly StreamWriter _writer;
    private readonly ITextFormatter _formatter;
    private readonly Task _writing;

    public BatchedStreamSink(Stream stream, ITextFormatter formatter, int capacity = 100_000)
    {
        _waiting = Channel.CreateBounded<LogEvent>(new BoundedChannelOptions(capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        _writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        _formatter = formatter;
        _writing = Task.Factory.StartNew(WriteAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    public void Emit(LogEvent logEvent)
    {
        if (!_waiting.Writer.TryWrite(logEvent))
        {
            // Full, or completed at shutdown (then the event has nowhere to go and WriteAsync throws).
            try
            {
                _waiting.Writer.WriteAsync(logEvent).AsTask().GetAwaiter().GetResult();
            }
            catch (ChannelClosedException)
            {
            }
        }
    }

    // Writes what is waiting, then closes (Serilog disposes its sinks when the logger is flushed at exit).
    public void Dispose()
    {
        _waiting.Writer.TryComplete();
        _writing.GetAwaiter().GetResult();
        _writer.Dispose();
    }

    private async Task WriteAsync()
    {
        while (await _waiting.Reader.WaitToReadAsync())
        {
            for (var written = 0; written < MaxBatch && _waiting.Reader.TryRead(out var logEvent); written++)
            {
                _formatter.Format(logEvent, _writer);
            }

            try
            {
                await _writer.FlushAsync();
            }
            catch (IOException)
            {
                // stdout closed (a pipe whose reader went away): the events have nowhere to go; keep draining.
            }
        }
    }
}
