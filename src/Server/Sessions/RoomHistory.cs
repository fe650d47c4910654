using Microsoft.Extensions.Options;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Sessions;

/// <summary>
/// What a client is shown of a room's past: its newest messages on entering (<c>Chat:History:OnJoin</c>), what it
/// missed when it resumes, and older pages on request, all read from the store.
/// </summary>
internal sealed class RoomHistory(LogReader reader, MessageLog log, IOptions<ChatOptions> options)
{
    // A resuming client is sent at most this many missed messages; it can page back further itself.
    private const int MaxMissed = 1000;

    /// <summary>
    /// Holds the session's live events and hands the log reader <paramref name="change"/> (which puts the session in
    /// a room): where it applied is the session's boundary, everything up to it history, everything after it live.
    /// The caller then shows the history (<see cref="ShowRecentAsync"/> or <see cref="ShowMissedAsync"/>), read from
    /// the store, which releases the live events; or <see cref="Skip"/> when it entered none.
    /// </summary>
    public async Task<RoomChanged> EnterAsync(ChatSession session, RoomChange change)
    {
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

    /// <summary>After <see cref="EnterAsync"/> that entered no room: releases the live events, with no history to show.</summary>
    public static void Skip(ChatSession session) => session.Outbound.Release();

    /// <summary>After <see cref="EnterAsync"/>: the room's newest messages up to the position entered at, then what came since.</summary>
    public Task ShowRecentAsync(ChatSession session, string room, long position) =>
        ShowAsync(session, position, async () => options.Value.History.OnJoin > 0
            ? await log.Store.RoomAsync(room, 0, position + 1, options.Value.History.OnJoin)
            : []);

    /// <summary>After <see cref="EnterAsync"/> for a resuming client: what it missed after <paramref name="afterId"/>, leaving out its own.</summary>
    public Task ShowMissedAsync(ChatSession session, string room, long afterId, long position, string nick) =>
        ShowAsync(session, position, async () => (await log.Store.RoomAsync(room, afterId, position + 1, MaxMissed))
            .Where(message => !string.Equals(message.From, nick, StringComparison.OrdinalIgnoreCase))
            .ToList());

    /// <summary>Answers <c>/history</c>: the page of the session's room it asks for, then the end marker.</summary>
    public async Task PageAsync(ChatSession session, HistoryCommand request)
    {
        var room = session.Room;
        var messages = await log.Store.RoomAsync(room, request.AfterId ?? 0, request.BeforeId ?? long.MaxValue, request.Limit);
        foreach (var message in messages)
        {
            session.Send(message.ToHistoryEvent());
        }

        session.Send(new HistoryEndEvent(room, messages.Count, request.Cid));
    }

    private static async Task ShowAsync(ChatSession session, long position, Func<Task<IReadOnlyList<StoredMessage>>> past)
    {
        try
        {
            foreach (var message in await past())
            {
                session.Send(message.ToHistoryEvent());
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
