using Microsoft.Extensions.Logging;
using SocketChat.Protocol;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Logging;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Clients;

// What a session is owed for the messages it appended, in the order it sent them: an acknowledgement with the id
// the store gave (the first one's, for a resend), or cid_reused when its client id was stored before for
// other content. One drain runs while anything is owed and ends when nothing is, so an idle session holds no task.
internal sealed class Acknowledgements(ChatSession session, ILogger logger)
{
    // A leaf: held for the queue and the drain's state alone, never across an answer sent.
    private readonly Lock _gate = new();
    private readonly Queue<Owed> _owed = new();
    private bool _draining;
    private Task _drain = Task.CompletedTask;

    // Completes once everything owed so far has been answered (the connection awaits it before closing).
    public Task Drained
    {
        get
        {
            lock (_gate)
            {
                return _drain;
            }
        }
    }

    // Owes the session the outcome of appended; called by its read loop only.
    public void Add(Task<Appended> appended, string? cid, ulong fingerprint, bool notice = false)
    {
        Task<Task> drain;
        lock (_gate)
        {
            _owed.Enqueue(new Owed(appended, cid, fingerprint, notice));
            if (_draining)
            {
                return;
            }

            // Started after the lock is let go: an outcome known already is answered at once, on this thread.
            _draining = true;
            drain = new Task<Task>(DrainAsync);
            _drain = drain.Unwrap();
        }

        drain.RunSynchronously(TaskScheduler.Default);
    }

    private async Task DrainAsync()
    {
        while (true)
        {
            Owed next;
            lock (_gate)
            {
                if (!_owed.TryDequeue(out next))
                {
                    _draining = false;
                    return;
                }
            }

            Appended outcome;
            try
            {
                outcome = await next.Appended.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Never stored: the server stopped with its store failing. No acknowledgement, so the client resends.
                continue;
            }

            Answer(next, outcome);
        }
    }

    private void Answer(Owed owed, Appended outcome)
    {
        // Judged again where it would go in the log, and refused (banned, muted, kicked meanwhile): stored nowhere.
        if (outcome.Refusal is { } refusal)
        {
            session.Send(new ErrorEvent(refusal.Code, refusal.Message, owed.Cid));
            return;
        }

        using var scope = outcome.Duplicate ? logger.BeginScope(session.LogScope) : null;
        if (outcome.Duplicate && AcceptedMessage.From(outcome.Message).Fingerprint != owed.Fingerprint)
        {
            ServerLog.ClientIdReused(logger, session.Nick, owed.Cid ?? string.Empty, outcome.Message.Id);
            session.Send(new ErrorEvent(
                ErrorCodes.CidReused,
                $"client id {owed.Cid} was already used for another message (id {outcome.Message.Id}); give every message its own",
                owed.Cid));
            return;
        }

        if (outcome.Duplicate)
        {
            ServerLog.DuplicateAcknowledged(logger, session.Nick, outcome.Message.Id, owed.Cid ?? string.Empty);
        }

        // JSON clients count on it; an IRC client's is its echo (echo-message).
        if (session.Mode != WireMode.Text)
        {
            var stored = outcome.Message;
            session.Send(new AckEvent(owed.Cid, stored.Id, stored.Timestamp, new AckedLine(stored.Room, stored.To, stored.Text, owed.Notice)));
        }
    }

    private readonly record struct Owed(Task<Appended> Appended, string? Cid, ulong Fingerprint, bool Notice);
}
