using Serilog.Events;
using SocketChat.TestSupport;
using Serilog.Formatting.Display;
using Serilog.Parsing;
using SocketChat.Hosting.Logging;

namespace SocketChat.Server.Tests;

// The console log's sink: a log that cannot keep up makes whoever logs wait; it never drops an event.
public sealed class BatchedStreamSinkTests
{
    [Fact]
    public async Task OutputStuck_LoggingWaitsForRoom_ThenEveryEventIsWrittenInOrder()
    {
        var output = new StuckStream();
        var sink = new BatchedStreamSink(output, new MessageTemplateTextFormatter("{Message}{NewLine}"), capacity: 8);

        var logging = Task.Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                sink.Emit(Event($"event {i}"));
            }
        });

        // The writer is stuck in its first write: eight events wait, and the ninth waits for room.
        await output.FirstWrite.WaitAsync(TestTimeouts.Default);
        var first = await Task.WhenAny(logging, Task.Delay(TimeSpan.FromMilliseconds(300)));
        Assert.NotSame(logging, first);

        output.Release();
        await logging.WaitAsync(TestTimeouts.Default);
        sink.Dispose();

        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"event {i}"), output.Lines());
    }

    private static LogEvent Event(string text) =>
        new(DateTimeOffset.UtcNow, LogEventLevel.Information, null, new MessageTemplateParser().Parse(text), []);

    // A stream whose writes wait until released, like a stdout nobody reads.
    private sealed class StuckStream : MemoryStream
    {
        private readonly TaskCompletionSource _firstWrite = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task FirstWrite => _firstWrite.Task;

        public void Release() => _released.TrySetResult();

        public string[] Lines() => System.Text.Encoding.UTF8.GetString(ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries);

        public override void Write(byte[] buffer, int offset, int count)
        {
            _firstWrite.TrySetResult();
            _released.Task.Wait(TestTimeouts.Default);
            base.Write(buffer, offset, count);
        }

        public override async Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        {
            _firstWrite.TrySetResult();
            await _released.Task.WaitAsync(TestTimeouts.Default, cancellationToken);
            await base.WriteAsync(buffer.AsMemory(offset, count), cancellationToken);
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            _firstWrite.TrySetResult();
            await _released.Task.WaitAsync(TestTimeouts.Default, cancellationToken);
            await base.WriteAsync(buffer, cancellationToken);
        }
    }
}
