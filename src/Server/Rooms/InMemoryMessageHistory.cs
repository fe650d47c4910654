using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Rooms;

/// <summary>The last Chat:HistoryPerRoom messages of each room, in memory.</summary>
internal sealed class InMemoryMessageHistory(IOptions<ChatOptions> options) : IMessageHistory
{
    private readonly ConcurrentDictionary<string, Queue<RoomMessageEvent>> _rooms = new(StringComparer.OrdinalIgnoreCase);

    public void Append(RoomMessageEvent message)
    {
        var limit = options.Value.HistoryPerRoom;
        if (limit == 0)
        {
            return;
        }

        var messages = _rooms.GetOrAdd(message.Room, static _ => new Queue<RoomMessageEvent>());
        lock (messages)
        {
            messages.Enqueue(message);
            if (messages.Count > limit)
            {
                messages.Dequeue();
            }
        }
    }

    public IReadOnlyList<RoomMessageEvent> After(string room, long afterId, string excludeFrom)
    {
        if (!_rooms.TryGetValue(room, out var messages))
        {
            return [];
        }

        lock (messages)
        {
            return messages
                .Where(message => message.Id > afterId && !string.Equals(message.From, excludeFrom, StringComparison.OrdinalIgnoreCase))
                .ToArray();
        }
    }
}
