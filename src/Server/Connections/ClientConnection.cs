using System.Buffers;
using System.IO.Pipelines;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Framing;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;
using SocketChat.Server.Tls;

namespace SocketChat.Server.Connections;

/// <summary>
/// One socket, or one browser's WebSocket (<paramref name="web"/>, lines as messages): a read loop feeding
/// <see cref="SessionCommands"/> and a writer loop draining the outbound queue.
/// </summary>
internal sealed class ClientConnection(
    Socket? socket,
    Web.WebSocketLineStream? web,
    ChatSession session,
    SessionCommands commands,
    ServerMetrics metrics,
    FloodGate flood,
    IdleWatch? idle,
    TlsGate? tls,
    bool tlsOnly,
    int inFlightLimit,
    TimeSpan loginTimeout,
    TimeSpan flushGrace,
    TimeSpan slowClientGrace,
    TimeProvider clock,
    ILogger logger)
{
    private static readonly TimeSpan GreetingDelay = TimeSpan.FromMilliseconds(150);
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: true);
    private static readonly StreamPipeReaderOptions WebReaderOptions = new(bufferSize: 4096, minimumReadSize: 1024, leaveOpen: true, useZeroByteReads: false);
    private static readonly StreamPipeWriterOptions WriterOptions = new(minimumBufferSize: 64 * 1024, leaveOpen: true);

    public const string IdleTimeoutReason = "idle timeout";

    public ChatSession Session => session;

    /// <summary>Called by <see cref="IdleSweep"/>: pings a connection idle too long, closes one that stayed silent after.</summary>
    public void CheckIdle()
    {
        switch (idle?.Check())
        {
            case IdleStep.Ping:
                session.Send(new KeepAliveEvent((int)idle.Grace.TotalSeconds));
                break;
            case IdleStep.Close:
                session.StopReading(IdleTimeoutReason);
                break;
        }
    }

    /// <summary>Tells the client the server is stopping, then stops reading; the queue is still flushed.</summary>
    public void BeginShutdown()
    {
        session.Send(new ShutdownEvent("server shutting down"));
        session.StopReading(ChatSession.ShutdownReason);
    }

    public async Task RunAsync()
    {
        using var scope = logger.BeginScope(session.LogScope);
        await using var network = socket is null ? null : new NetworkStream(socket, ownsSocket: true);
        await using var browser = web;
        Stream? stream = web;
        if (socket is not null)
        {
            stream = tls is null ? network : await tls.NegotiateAsync(socket, network!, session.Address, session.RemoteEndPoint, tlsOnly);
            if (stream is null)
            {
                await commands.DisconnectAsync(session, "no TLS");
                await ConnectionClose.LingerAsync(socket, session.Aborted);
                return;
            }
        }

        await using var secured = stream as System.Net.Security.SslStream;
        // Zero-byte reads: an idle connection waits for data without holding a read buffer (a WebSocket has its own).
        var reader = PipeReader.Create(stream!, web is null ? ReaderOptions : WebReaderOptions);
        // The writer sends each buffer with its own system call, so a backlog goes out in 64 KiB pieces rather than
        // the default 4 KiB; buffers are rented for a flush only and returned after it, so an idle connection holds none.
        var writer = PipeWriter.Create(stream!, WriterOptions);

        // Password mode: a connection that has not logged in by then is told so and closed.
        using var loginDeadline = loginTimeout > TimeSpan.Zero
            ? new Timer(_ => commands.LoginTimedOut(session, loginTimeout), null, loginTimeout, Timeout.InfiniteTimeSpan)
            : null;
        var writing = WriteLoopAsync(writer);
        string reason;
        try
        {
            reason = await ReadLoopAsync(reader, session.ReadingStopped);
        }
        catch (OperationCanceledException)
        {
            reason = session.CloseReason ?? "closed";
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            reason = session.CloseReason ?? "connection reset";
        }
        catch (Exception) when (session.Aborted.IsCancellationRequested)
        {
            // Aborted (dropped, replaced, the server out of patience): whatever the read ended with is expected.
            reason = session.CloseReason ?? "aborted";
        }
        catch (StoreUnavailableException ex)
        {
            // Cluster mode with Redis away (a node started before it, or it went): the name, the members or the
            // login this line needed are there. Said in one line and closed, never a silent socket.
            ServerLog.ConnectionStoreUnavailable(logger, session.Nick, ex.Message);
            session.Send(new ErrorEvent(Protocol.ErrorCodes.Unavailable, "the server cannot reach its message store right now; try again in a moment"));
            reason = "store unavailable";
        }
        catch (Exception ex)
        {
            ServerLog.ConnectionFaulted(logger, session.Nick, ex);
            reason = "internal error";
        }

        session.BeginLeaving();

        // What it said is delivered (and acknowledged) before the room hears it left; a dropped connection is gone
        // at once.
        if (!session.Aborted.IsCancellationRequested)
        {
            await commands.WhenDeliveredAsync(session)
                .WaitAsync(flushGrace, session.Aborted)
                .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        await commands.DisconnectAsync(session, reason);

        // Let the writer flush what is queued (the bye, the shutdown notice), but not forever.
        session.Outbound.Complete();
        if (await Task.WhenAny(writing, Task.Delay(flushGrace, session.Aborted)) != writing && !session.Aborted.IsCancellationRequested)
        {
            session.Abort("flush timed out");
        }

        await writing;
        if (socket is not null)
        {
            await ConnectionClose.CloseAsync(socket, reader, writer, secured, session.Aborted);
        }
        else
        {
            await reader.CompleteAsync();
            var aborted = session.Aborted.IsCancellationRequested;
            if (aborted)
            {
                // Cut first: completing the writer would wait to send what it holds to a browser that does not read.
                await web!.CloseAsync(aborted: true);
                await writer.CompleteAsync(new IOException("connection aborted"));
            }
            else
            {
                await writer.CompleteAsync().AsTask().ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await web!.CloseAsync(aborted: false);
            }
        }
    }

    private async Task<string> ReadLoopAsync(PipeReader reader, CancellationToken cancellationToken)
    {
        var protocol = session.Protocol;
        var framer = new LineFramer(protocol.MaxLineBytes);

        // A client that says nothing for a moment is greeted (a program that says "/json" at once is greeted in
        // JSON, or resumes its identity without a guest's coming and going); one that registers itself (IRC) is not.
        ValueTask<ReadResult> pending;
        if (!protocol.RegistersItself)
        {
            var first = reader.ReadAsync(cancellationToken).AsTask();
            if (await Task.WhenAny(first, Task.Delay(GreetingDelay, cancellationToken)) != first)
            {
                await protocol.GreetSilentAsync(session);
            }

            pending = new ValueTask<ReadResult>(first);
        }
        else
        {
            pending = reader.ReadAsync(cancellationToken);
        }

        while (true)
        {
            var result = await pending;
            var buffer = result.Buffer;
            var available = buffer.Length;
            var throttled = false;
            try
            {
                // Once aborted (dropped, or replaced by a resumed connection) no further line of this read counts.
                while (!cancellationToken.IsCancellationRequested)
                {
                    var unread = buffer;
                    var status = framer.TryReadLine(ref buffer, out var line);
                    if (status == FrameStatus.Incomplete)
                    {
                        flood.CaughtUp();
                        break;
                    }

                    idle?.LineReceived();

                    // Over its rate: leave the line where it is and stop reading until a token comes.
                    if (status == FrameStatus.Line && !flood.TryPass())
                    {
                        buffer = unread;
                        throttled = true;
                        break;
                    }

                    if (status == FrameStatus.TooLong)
                    {
                        await session.Protocol.RejectTooLongAsync(session, line);
                    }
                    else if (!await session.Protocol.HandleLineAsync(session, line))
                    {
                        return "quit";
                    }

                    // Per line, not per read: one read holds dozens of lines, and with many senders reading at once
                    // that overshoot alone could fill a recipient's queue before backpressure sees congestion.
                    await KeepPaceWithTheStoreAsync(cancellationToken);
                }

                // A last line without LF (printf 'hi' | nc) still counts when the peer closes.
                if (result.IsCompleted && !throttled)
                {
                    if (!buffer.IsEmpty && buffer.Length <= protocol.MaxLineBytes)
                    {
                        await session.Protocol.HandleLineAsync(session, buffer);
                    }

                    return "peer closed the connection";
                }
            }
            finally
            {
                metrics.BytesReceived(available - buffer.Length);
                reader.AdvanceTo(buffer.Start, throttled ? buffer.Start : buffer.End);
            }

            if (throttled && !await flood.WaitAsync(cancellationToken))
            {
                commands.DisconnectForFlooding(session);
                return "flooding";
            }

            await HoldBackWhileRecipientsCatchUpAsync(cancellationToken);
            pending = reader.ReadAsync(cancellationToken);
        }
    }

    // The store sets the pace. While few messages are waiting to be stored and delivered (fewer than a quarter of
    // what one recipient's queue may hold), this client's next lines are taken at once, so the writer has a full
    // batch; past that, it waits for its own lines, so messages in flight can never overflow a recipient's queue
    // before backpressure (which needs them delivered to see congestion) can act.
    private Task KeepPaceWithTheStoreAsync(CancellationToken cancellationToken) => commands.Pending <= inFlightLimit
        ? Task.CompletedTask
        : commands.WhenDeliveredAsync(session).WaitAsync(cancellationToken);

    // Backpressure: when this client's messages filled a recipient's queue past half, stop reading from this client
    // (TCP then slows it down) until the recipient drains. A recipient gets the grace period once, counted from when
    // its queue first congested, however many senders or holds it causes: past it, it is marked lagging and no longer
    // waited for, and if its queue then fills it is dropped as a slow consumer.
    private async Task HoldBackWhileRecipientsCatchUpAsync(CancellationToken cancellationToken)
    {
        if (session.TakeCongestion() is not { } congested || slowClientGrace <= TimeSpan.Zero)
        {
            return;
        }

        await Task.WhenAll(congested.Where(queue => !queue.Lagging).Select(queue => WaitForAsync(queue, cancellationToken)));
    }

    private async Task WaitForAsync(OutboundQueue recipient, CancellationToken cancellationToken)
    {
        var left = slowClientGrace - clock.GetElapsedTime(recipient.CongestedSince(clock.GetTimestamp()));
        if (left > TimeSpan.Zero)
        {
            try
            {
                await recipient.WhenDrainedAsync().WaitAsync(left, clock, cancellationToken);
                return;
            }
            catch (TimeoutException)
            {
                // Its grace is over.
            }
        }

        if (recipient.IsCongested)
        {
            recipient.Lagging = true;
        }
    }

    private async Task WriteLoopAsync(PipeWriter writer)
    {
        var cancellationToken = session.Aborted;
        try
        {
            while (await session.Outbound.WaitToReadAsync())
            {
                // Coalesce everything queued into one flush: one write for many messages.
                var bytes = 0L;
                while (session.Outbound.TryDequeue(out var message))
                {
                    var before = writer.UnflushedBytes;
                    session.Protocol.Write(message, session, writer);
                    bytes += writer.UnflushedBytes - before;
                }

                metrics.BytesSent(bytes);
                var flushed = await writer.FlushAsync(cancellationToken);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Aborted: the reason is already recorded.
        }
        catch (Exception ex) when (ex is IOException or SocketException)
        {
            session.Abort("connection reset");
        }
    }
}
