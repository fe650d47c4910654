using Microsoft.Extensions.Options;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Sessions;

// What a client is shown of a room's past: its newest messages on entering (Chat:History:OnJoin), what it
// missed when it resumes, and older pages on request, all read from the store.
internal sealed class RoomHistory(LogReader reader, MessageLog log, Budget.WorkBudget budget, IOptions<ChatOptions> options)
{
    // A resuming client is sent at most this many missed messages; it can page back further itself.
    private const int MaxMissed = 1000;

    // Holds the session's live events and hands the log reader change (which puts the session in
    // a room): where it applied is the session's boundary, everything up to it history, everything after it live.
    // The caller then shows the history (ShowRecentAsync or ShowMissedAsync), read from
    // the store, which releases the live events; or Skip when it entered none.
    public async Task<RoomChanged> EnterAsync(ChatSession session, RoomChange change)
    {
        // In a cluster, after everything already in the log: a ban set on another node keeps this one out.
        await log.CaughtUpAsync();
        session.Outbound.Hold();
        try
        {
            return await reader.ChangeAsync(change);
        }
        catch
        {
            session.Outbound.Release();
            throw;
        }
    }

    // A place in the server's budget for expensive work, for a history page or a search a client asked for (what is
    // shown on entering a room is not: it is small, and part of entering); null when there is none: busy.
    public ValueTask<IDisposable?> PlaceAsync(ChatSession session) => budget.EnterAsync(session.Address, session.Account, session.ReadingStopped);

    // What a client told busy is told.
    public const string Busy = "the server is busy with other searches and history; try again in a moment";

    // After EnterAsync that entered no room: releases the live events, with no history to show.
    public static void Skip(ChatSession session) => session.Outbound.Release();

    // After EnterAsync: the room's newest messages up to the position entered at, then what came since.
    public Task ShowRecentAsync(ChatSession session, string room, long position) =>
        ShowAsync(session, position, async () => options.Value.History.OnJoin > 0 && session.ReplaysHistory
            ? await log.Store.RoomAsync(room, 0, position + 1, options.Value.History.OnJoin)
            : []);

    // After EnterAsync for a client that comes back (a resume, a device logging in again): what it missed after
    // afterId in its rooms and its private lines, in order, the newest MaxMissed at most. What its account said on
    // other devices is shown as its own; what this connection's identity sent (token) it has, and is left out.
    public Task ShowMissedAsync(ChatSession session, IReadOnlyCollection<string> rooms, long afterId, long position, string? token) =>
        ShowAsync(session, position, async () =>
        {
            var missed = new List<StoredMessage>();
            foreach (var room in rooms)
            {
                missed.AddRange(await log.Store.RoomAsync(room, afterId, position + 1, MaxMissed));
            }

            missed.AddRange(await log.Store.PrivateAsync(session.Nick, null, afterId, position + 1, MaxMissed));
            return [.. missed
                .Where(message => token is null || !string.Equals(message.SenderToken, token, StringComparison.Ordinal))
                .DistinctBy(message => message.Id)
                .OrderBy(message => message.Id)
                .TakeLast(MaxMissed)];
        });

    // After EnterAsync for a connection whose private lines were read from the store while it arrived
    // (ChatSession.Arriving): the room's newest messages, then its private lines in (since, position].
    public Task ShowRecentAsync(ChatSession session, string? room, long position, long since) =>
        ShowAsync(session, position, async () =>
        {
            IReadOnlyList<StoredMessage> recent = room is not null && options.Value.History.OnJoin > 0 && session.ReplaysHistory
                ? await log.Store.RoomAsync(room, 0, position + 1, options.Value.History.OnJoin)
                : [];
            return [.. recent, .. await log.Store.PrivateAsync(session.Nick, null, since, position + 1, MaxMissed)];
        });

    // Answers /history: the page of the session's room it asks for, then the end marker.
    public async Task PageAsync(ChatSession session, HistoryCommand request)
    {
        using var place = await PlaceAsync(session);
        if (place is null)
        {
            session.Send(new ErrorEvent(ErrorCodes.Busy, Busy, request.Cid));
            return;
        }

        var room = session.Room;
        var (after, before) = await RangeAsync(request.AfterId ?? 0, request.BeforeId ?? long.MaxValue, request.AfterTime, request.BeforeTime);
        if (request.With is { } with)
        {
            // A private conversation: the asker's with that user, each line as it was told.
            var told = await log.Store.PrivateAsync(session.Nick, with, after, before, request.Limit, request.Forward);
            foreach (var message in told)
            {
                var own = string.Equals(message.From, session.Nick, StringComparison.OrdinalIgnoreCase) && !string.Equals(message.To, session.Nick, StringComparison.OrdinalIgnoreCase);
                session.Send(message.ToPrivateEvent() with { Own = own, History = true });
            }

            session.Send(new HistoryEndEvent(with, told.Count, request.Cid));
            return;
        }

        var messages = request.Forward
            ? await log.Store.RoomForwardAsync(room, after, before, request.Limit)
            : await log.Store.RoomAsync(room, after, before, request.Limit);
        foreach (var message in messages)
        {
            session.Send(message.ToHistoryEvent());
        }

        session.Send(new HistoryEndEvent(room, messages.Count, request.Cid));
    }

    // Answers /search: what the store finds in the session's rooms and its private lines, newest first, then the end.
    public async Task SearchAsync(ChatSession session, SearchCommand request)
    {
        var words = SearchWords.Of(request.Text);
        if (words.Count == 0)
        {
            session.Send(new ErrorEvent(ErrorCodes.BadArguments, "a search needs a word (letters or digits)", request.Cid));
            return;
        }

        using var place = await PlaceAsync(session);
        if (place is null)
        {
            session.Send(new ErrorEvent(ErrorCodes.Busy, Busy, request.Cid));
            return;
        }

        IReadOnlyList<StoredMessage> found;
        try
        {
            found = await log.Store.SearchAsync(session.Rooms, session.Nick, words, request.BeforeId ?? long.MaxValue, request.Limit);
        }
        catch (StoreUnavailableException)
        {
            session.Send(new ErrorEvent(ErrorCodes.Unavailable, "the store cannot be searched right now; try again", request.Cid));
            return;
        }

        foreach (var message in found)
        {
            var isPrivate = message.Kind is MessageKind.Private or MessageKind.PrivateNotice;
            session.Send(new FoundEvent(message.Id, message.Timestamp, isPrivate ? null : message.Room, message.From, isPrivate ? message.To : null, message.Text, request.Cid));
        }

        session.Send(new SearchEndEvent(request.Text, found.Count, request.Cid));
    }

    // Ids (after, before) narrowed by times: before a time is before the first id stored at it, after a time from the
    // first id stored after it.
    public async Task<(long After, long Before)> RangeAsync(long after, long before, DateTimeOffset? afterTime, DateTimeOffset? beforeTime)
    {
        if (beforeTime is { } until)
        {
            before = Math.Min(before, await log.Store.IdAtAsync(until));
        }

        if (afterTime is { } since)
        {
            after = Math.Max(after, await log.Store.IdAtAsync(since.AddMilliseconds(1)) - 1);
        }

        return (after, before);
    }

    private static async Task ShowAsync(ChatSession session, long position, Func<Task<IReadOnlyList<StoredMessage>>> past)
    {
        try
        {
            foreach (var message in await past())
            {
                var own = string.Equals(message.From, session.Nick, StringComparison.OrdinalIgnoreCase) && session.Account is not null;
                session.Send(message.Kind switch
                {
                    MessageKind.Private or MessageKind.PrivateNotice => message.ToPrivateEvent() with { Own = own && !string.Equals(message.To, session.Nick, StringComparison.OrdinalIgnoreCase) },
                    MessageKind.Room or MessageKind.Notice when own => message.ToRoomEvent(history: true) with { Own = true },
                    _ => message.ToHistoryEvent(),
                });
            }

            if (session.Identity is { } identity)
            {
                identity.JoinedAtId = position;
            }
        }
        finally
        {
            session.Outbound.Release();
        }
    }
}
