using Microsoft.Extensions.Options;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Sessions;

/// <summary>
/// What a client is shown of a room's past: its newest messages on entering (<c>Chat:History:OnJoin</c>), what it
/// missed when it resumes, and older pages on request, all read from the store.
/// </summary>
internal sealed class RoomHistory(MessageLog log, IOptions<ChatOptions> options)
{
    // A resuming client is sent at most this many missed messages; it can page back further itself.
    private const int MaxMissed = 1000;

    /// <summary>
    /// Runs <paramref name="enter"/> (which puts the session in a room and may greet it), then sends the room's
    /// newest messages, with no message delivered in between: history and live messages neither overlap nor leave a gap.
    /// </summary>
    public T Enter<T>(ChatSession session, Func<T> enter, Func<T, Room> room) => log.WhileNothingIsDelivered(() =>
    {
        var entered = enter();
        var name = room(entered).Name;
        if (options.Value.History.OnJoin > 0)
        {
            foreach (var message in log.Store.Room(name, 0, long.MaxValue, options.Value.History.OnJoin))
            {
                session.Send(message.ToHistoryEvent());
            }
        }

        MarkJoined(session);
        return entered;
    });

    /// <summary>Like <see cref="Enter{T}"/> for a resuming client: sends what it missed after <paramref name="afterId"/>, leaving out its own.</summary>
    public T Resume<T>(ChatSession session, Func<T> enter, Func<T, Room> room, long afterId, string nick) => log.WhileNothingIsDelivered(() =>
    {
        var entered = enter();
        foreach (var message in log.Store.Room(room(entered).Name, afterId, long.MaxValue, MaxMissed))
        {
            if (!string.Equals(message.From, nick, StringComparison.OrdinalIgnoreCase))
            {
                session.Send(message.ToHistoryEvent());
            }
        }

        MarkJoined(session);
        return entered;
    });

    /// <summary>Answers <c>/history</c>: the page of the session's room it asks for, then the end marker.</summary>
    public void Page(ChatSession session, HistoryCommand request)
    {
        var messages = log.Store.Room(session.Room, request.AfterId ?? 0, request.BeforeId ?? long.MaxValue, request.Limit);
        foreach (var message in messages)
        {
            session.Send(message.ToHistoryEvent());
        }

        session.Send(new HistoryEndEvent(session.Room, messages.Count, request.Cid));
    }

    private void MarkJoined(ChatSession session)
    {
        if (session.Identity is { } identity)
        {
            identity.JoinedAtId = log.LastDelivered;
        }
    }
}
