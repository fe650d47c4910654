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
using SocketChat.Server.Transports;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Connections;

// One connection's loop, whatever carries it (Transport) and however it speaks (its session's
// IWireProtocol): a read loop that frames lines (a transport of messages hands them whole), holds a
// flooding client back and paces it against the store and its recipients, and a write loop draining the outbound
// queue. The jobs around it are small types of their own: FloodGate, IdleWatch,
// StorePacing, Backpressure, the login deadline.
internal sealed class ClientConnection(
    ChatSession session,
    Func<CancellationToken, Task<Transport?>> opener,
    SessionCommands commands,
    ServerMetrics metrics,
    FloodGate flood,
    IdleWatch? idle,
    StorePacing pacing,
    Backpressure backpressure,
    TimeSpan loginTimeout,
    TimeSpan flushGrace,
    ILogger logger)
{
    private static readonly TimeSpan GreetingDelay = TimeSpan.FromMilliseconds(150);

    public const string IdleTimeoutReason = "idle timeout";

    private Func<CancellationToken, Task<Transport?>>? _open = opener;

    public ChatSession Session => session;

    // Called by IdleSweep: pings a connection idle too long, closes one that stayed silent after. One not yet
    // registered is left to the greeting and the login deadline: a ping must never come before its welcome (a
    // greeting held up past the idle timeout under load sent "* ping" first).
    public void CheckIdle()
    {
        if (!session.Registered)
        {
            return;
        }

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

    // Tells the client the server is stopping, then stops reading; the queue is still flushed.
    public void BeginShutdown()
    {
        session.Send(new ShutdownEvent("server shutting down"));
        session.StopReading(ChatSession.ShutdownReason);
    }

    // The connection's log scope, opened around what it does, never across a wait for its peer: an idle
    // connection's pending reads and writes hold no scope in their execution context.
    private IDisposable? Scope() => logger.BeginScope(session.LogScope);

    public async Task RunAsync()
    {
        await using var transport = await OpenAsync();
        if (transport is null)
        {
            return;
        }

        // Password mode (and IRC, which registers): a connection that has not by then is told so and closed.
        using var loginDeadline = loginTimeout > TimeSpan.Zero
            ? new Timer(_ => LoginTimedOut(), null, loginTimeout, Timeout.InfiniteTimeSpan)
            : null;
        var writing = WriteLoopAsync(transport);
        string reason;
        try
        {
            reason = await ReadLoopAsync(transport, session.ReadingStopped);
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
            using (Scope())
            {
                ServerLog.ConnectionStoreUnavailable(logger, session.Nick, ex.Message);
            }

            session.Send(new ErrorEvent(Protocol.ErrorCodes.Unavailable, "the server cannot reach its message store right now; try again in a moment"));
            reason = "store unavailable";
        }
        catch (Exception ex)
        {
            using (Scope())
            {
                ServerLog.ConnectionFaulted(logger, session.Nick, ex);
            }

            reason = "internal error";
        }

        session.BeginLeaving();
        using (Scope())
        {
            // What it said is delivered (and acknowledged) before the room hears it left; a dropped connection is
            // gone at once.
            if (!session.Aborted.IsCancellationRequested)
            {
                await commands.WhenDeliveredAsync(session)
                    .WaitAsync(flushGrace, session.Aborted)
                    .ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await commands.DisconnectAsync(session, reason);
        }

        // Let the writer flush what is queued (the bye, the shutdown notice), but not forever.
        session.Outbound.Complete();
        if (await Task.WhenAny(writing, Task.Delay(flushGrace, session.Aborted)) != writing && !session.Aborted.IsCancellationRequested)
        {
            session.Abort("flush timed out");
        }

        await writing;

        // Everything it was written is known now: where this device got to is kept.
        await commands.KeepPlaceAsync(session);
        await transport.CloseAsync(session.Aborted);
    }

    // The transport (after a TLS handshake, where the port takes TLS), or null when the connection ended there. The
    // opener is let go once used: what it captured is not held for the connection's life.
    private async Task<Transport?> OpenAsync()
    {
        var open = _open!;
        _open = null;
        using (Scope())
        {
            if (await open(session.Aborted) is { } transport)
            {
                return transport;
            }

            await commands.DisconnectAsync(session, "no TLS");
            return null;
        }
    }

    private void LoginTimedOut()
    {
        using (Scope())
        {
            commands.LoginTimedOut(session, loginTimeout);
        }
    }

    private async Task<string> ReadLoopAsync(Transport transport, CancellationToken cancellationToken)
    {
        var reader = transport.Input;
        var messages = transport.Messages;
        var protocol = session.Protocol;
        var framer = new LineFramer(protocol.MaxLineBytes);

        // A client that says nothing for a moment is greeted (a program that says "/json" at once is greeted in
        // JSON, or resumes its identity without a guest's coming and going); one that registers itself (IRC) is not.
        Task? first = null;
        if (!protocol.RegistersItself)
        {
            first = transport.FirstInputAsync(cancellationToken);
            // The delay is not cancellable: its registration would stay with the token source (the wait ends with
            // the read anyway, which the token does cancel).
            if (await Task.WhenAny(first, Task.Delay(GreetingDelay, CancellationToken.None)) != first && !cancellationToken.IsCancellationRequested)
            {
                using (Scope())
                {
                    await protocol.GreetSilentAsync(session);
                }
            }
        }

        while (true)
        {
            // Idle here: no scope, no buffer (a plain socket's wait); then the read finds what came.
            if (first is not null)
            {
                await first;
                first = null;
            }
            else
            {
                await transport.WaitForInputAsync(cancellationToken);
            }

            var result = await reader.ReadAsync(cancellationToken);
            using (Scope())
            {
                var buffer = result.Buffer;
                var available = buffer.Length;
                var throttled = false;
                try
                {
                    // Once aborted (dropped, or replaced by a resumed connection) no further line of this read counts.
                    while (!cancellationToken.IsCancellationRequested)
                    {
                        var unread = buffer;
                        var status = messages ? WholeLine(ref buffer, protocol.MaxLineBytes, out var line) : framer.TryReadLine(ref buffer, out line);
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

                        // Per line, not per read: one read holds dozens of lines, and with many senders reading at
                        // once that overshoot alone could fill a recipient's queue before backpressure sees congestion.
                        await pacing.KeepUpAsync(session, cancellationToken);
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

                await backpressure.HoldBackAsync(session, cancellationToken);
            }
        }
    }

    // A transport of messages reads one line at a time, whole: what it read is the line (or, too long, its head).
    private static FrameStatus WholeLine(ref ReadOnlySequence<byte> buffer, int maxLineBytes, out ReadOnlySequence<byte> line)
    {
        line = buffer;
        if (buffer.IsEmpty)
        {
            return FrameStatus.Incomplete;
        }

        buffer = buffer.Slice(buffer.End);
        if (line.Length > maxLineBytes)
        {
            line = line.Slice(0, maxLineBytes);
            return FrameStatus.TooLong;
        }

        return FrameStatus.Line;
    }

    private async Task WriteLoopAsync(Transport transport)
    {
        var writer = transport.Output;
        var cancellationToken = session.Aborted;
        try
        {
            while (await session.Outbound.WaitToReadAsync())
            {
                // Coalesce everything queued into one flush: one write for many messages.
                var bytes = 0L;
                var shown = 0L;
                while (session.Outbound.TryDequeue(out var message))
                {
                    // Exactly once, whatever a log read twice after a failover hands over: a live line is never written
                    // to a connection that was written its id (or a later one) already.
                    var live = message.Event switch
                    {
                        RoomMessageEvent { History: false } said => said.Id,
                        PrivateMessageEvent { History: false } told => told.Id,
                        _ => 0,
                    };
                    if (live > 0 && live <= Math.Max(shown, session.LastShownId))
                    {
                        metrics.SkippedTwice();
                        continue;
                    }

                    var before = writer.UnflushedBytes;
                    session.Protocol.Write(message, session, transport.Events);
                    transport.EndOfMessage();
                    bytes += writer.UnflushedBytes - before;
                    shown = message.Event switch
                    {
                        RoomMessageEvent said => Math.Max(shown, said.Id),
                        PrivateMessageEvent told => Math.Max(shown, told.Id),
                        _ => shown,
                    };
                }

                metrics.BytesSent(bytes);
                var flushed = await writer.FlushAsync(cancellationToken);
                if (flushed.IsCompleted || flushed.IsCanceled)
                {
                    break;
                }

                // Handed to the kernel: where this device got to.
                if (shown > session.LastShownId)
                {
                    session.LastShownId = shown;
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
