using System.Globalization;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Irc;
using SocketChat.Server.Clients;
using SocketChat.Server.Rooms;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Irc;

// IRCv3 draft/chathistory: a client that negotiated it asks for a channel's history itself (and is not sent it on
// joining) by message id or time — LATEST, BEFORE, AFTER, AROUND, BETWEEN — and for the channels it has history in
// (TARGETS); each answer is one batch. A channel's history is its members' alone; a nickname's is the private
// conversation with it, its two parties' alone.
internal sealed class IrcChatHistory(MessageLog log, RoomHistory history, RoomDirectory rooms)
{
    // The most messages one request returns (CHATHISTORY=500 in 005).
    public const int MaxLimit = 500;

    public async Task HandleAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var server = irc.ServerName;
        var subcommand = message[0]?.ToUpperInvariant();
        if (!irc.Has(IrcCapabilities.ChatHistory))
        {
            session.Reply(session.Numeric("421", "CHATHISTORY :Unknown command (negotiate draft/chathistory first)"));
            return;
        }

        if (subcommand is not ("LATEST" or "BEFORE" or "AFTER" or "AROUND" or "BETWEEN" or "TARGETS"))
        {
            session.Reply($":{server} FAIL CHATHISTORY INVALID_PARAMS {message[0] ?? "*"} :Unknown subcommand: LATEST, BEFORE, AFTER, AROUND, BETWEEN or TARGETS");
            return;
        }

        using var place = await history.PlaceAsync(session);
        if (place is null)
        {
            session.Reply($":{server} FAIL CHATHISTORY MESSAGE_ERROR {subcommand} {message[1] ?? "*"} :{RoomHistory.Busy}");
            return;
        }

        try
        {
            if (subcommand == "TARGETS")
            {
                await TargetsAsync(session, irc, message);
                return;
            }

            await MessagesAsync(session, irc, subcommand, message);
        }
        catch (StoreUnavailableException)
        {
            session.Reply($":{server} FAIL CHATHISTORY MESSAGE_ERROR {subcommand} {message[1] ?? "*"} :The history cannot be read right now; try again");
        }
    }

    private async Task MessagesAsync(ChatSession session, IrcState irc, string subcommand, IrcMessage message)
    {
        var server = irc.ServerName;
        var target = message[1];
        var between = subcommand == "BETWEEN";
        var limitText = between ? message[4] : message[3];
        if (target is null || !int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > MaxLimit)
        {
            Invalid(session, server, subcommand, $"CHATHISTORY {subcommand} TARGET REFERENCE{(between ? " REFERENCE" : string.Empty)} LIMIT, a limit from 1 to {MaxLimit}");
            return;
        }

        var first = Reference.Parse(message[2], allowStar: subcommand == "LATEST");
        var second = between ? Reference.Parse(message[3], allowStar: false) : null;
        if (first is null || (between && second is null))
        {
            Invalid(session, server, subcommand, "a reference is msgid=ID or timestamp=YYYY-MM-DDThh:mm:ss.sssZ (LATEST also takes *)");
            return;
        }

        // A channel it is in, or a nickname: its private conversation with that user, either way.
        Read read;
        if (!target.StartsWith('#'))
        {
            if (!Protocol.Text.ChatNames.IsValid(target))
            {
                session.Reply($":{server} FAIL CHATHISTORY INVALID_TARGET {subcommand} {target} :No such nickname");
                return;
            }

            read = (after, before, count, forward) => log.Store.PrivateAsync(session.Nick, target, after, before, count, forward);
        }
        else if (IrcChannels.RoomOf(session, target) is not { } asked || !session.IsIn(asked))
        {
            session.Reply($":{server} FAIL CHATHISTORY INVALID_TARGET {subcommand} {target} :You are not on that channel");
            return;
        }
        else
        {
            var room = rooms.FindRoom(asked)?.Name ?? asked;
            read = (after, before, count, forward) => forward ? log.Store.RoomForwardAsync(room, after, before, count) : log.Store.RoomAsync(room, after, before, count);
        }

        var found = subcommand switch
        {
            "LATEST" when first.IsStar => await read(0, long.MaxValue, limit, false),
            "LATEST" => await read(await AfterAsync(first), long.MaxValue, limit, false),
            "BEFORE" => await read(0, await BeforeAsync(first), limit, false),
            "AFTER" => await read(await AfterAsync(first), long.MaxValue, limit, true),
            "AROUND" => await AroundAsync(read, first, limit),
            _ => await BetweenAsync(read, first, second!, limit),
        };

        SendBatch(session, irc, $"chathistory {target}", found);
    }

    // soju.im/search: SEARCH in=#chan;text=WORDS;limit=N;before=timestamp=… — one batch of what is found, oldest
    // first as a batch of history is; in= names one of its channels (or its own nickname: its private lines), none
    // means all of them.
    public async Task SearchAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var server = irc.ServerName;
        if (!irc.Has(IrcCapabilities.Search))
        {
            session.Reply(session.Numeric("421", "SEARCH :Unknown command (negotiate soju.im/search first)"));
            return;
        }

        var attributes = (message[0] ?? string.Empty).Split(';', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .ToDictionary(pair => pair[0], pair => pair.Length > 1 ? pair[1] : string.Empty, StringComparer.Ordinal);
        var limit = SocketChat.Protocol.Commands.SearchCommand.DefaultLimit;
        if (!attributes.TryGetValue("text", out var text) || SearchWords.Of(text) is not { Count: > 0 } words
            || (attributes.TryGetValue("limit", out var asked) && (!int.TryParse(asked, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit)))
        {
            session.Reply($":{server} FAIL SEARCH INVALID_PARAMS :Expected SEARCH text=WORDS[;in=#CHANNEL][;limit=1-{MaxLimit}][;before=timestamp=TIME]");
            return;
        }

        var searched = session.Rooms;
        var privateOf = session.Nick;
        if (attributes.TryGetValue("in", out var target) && target.StartsWith('#'))
        {
            if (IrcChannels.ChannelRoom(target) is not { } room || !session.IsIn(room))
            {
                session.Reply($":{server} FAIL SEARCH INVALID_PARAMS :You are not on {target}");
                return;
            }

            searched = [room];
            privateOf = string.Empty;
        }

        var before = attributes.TryGetValue("before", out var until) && Reference.Parse(until, allowStar: false) is { } reference ? await BeforeAsync(reference) : long.MaxValue;
        using var place = await history.PlaceAsync(session);
        if (place is null)
        {
            session.Reply($":{server} FAIL SEARCH TEMPORARILY_UNAVAILABLE :{RoomHistory.Busy}");
            return;
        }

        IReadOnlyList<StoredMessage> found;
        try
        {
            found = await log.Store.SearchAsync(searched, privateOf, words, before, limit);
        }
        catch (StoreUnavailableException)
        {
            session.Reply($":{server} FAIL SEARCH INTERNAL_ERROR :The history cannot be searched right now; try again");
            return;
        }

        SendBatch(session, irc, "soju.im/search", found.Reverse());
    }

    // One batch of stored messages (its name new for each request), as history's lines.
    private static void SendBatch(ChatSession session, IrcState irc, string type, IEnumerable<StoredMessage> messages)
    {
        var batch = $"c{++irc.HistoryRequests}";
        session.Reply($":{irc.ServerName} BATCH +{batch} {type}");
        foreach (var stored in messages)
        {
            foreach (var line in IrcEventWriter.HistoryLines(irc, batch, stored))
            {
                session.Reply(line);
            }
        }

        session.Reply($":{irc.ServerName} BATCH -{batch}");
    }

    // TARGETS FROM TO LIMIT: the channels this client is in with messages between the two times, each with its latest.
    private async Task TargetsAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var server = irc.ServerName;
        var from = Reference.Parse(message[1], allowStar: false);
        var to = Reference.Parse(message[2], allowStar: false);
        if (from?.Time is not { } start || to?.Time is not { } end || !int.TryParse(message[3], NumberStyles.None, CultureInfo.InvariantCulture, out var limit) || limit is < 1 or > MaxLimit)
        {
            Invalid(session, server, "TARGETS", $"CHATHISTORY TARGETS timestamp=FROM timestamp=TO LIMIT, a limit from 1 to {MaxLimit}");
            return;
        }

        var (low, high) = start <= end ? (start, end) : (end, start);
        var latest = new List<(string Room, DateTimeOffset At)>();
        var (after, before) = await history.RangeAsync(0, long.MaxValue, low, high);
        foreach (var room in session.Rooms)
        {
            if (await log.Store.RoomAsync(room, after, before, 1) is [var newest])
            {
                latest.Add(($"#{room}", newest.Timestamp));
            }
        }

        // And whoever it talked with alone, each with the latest line either way (of its newest MaxLimit).
        foreach (var conversation in (await log.Store.PrivateAsync(session.Nick, null, after, before, MaxLimit))
            .GroupBy(told => string.Equals(told.From, session.Nick, StringComparison.OrdinalIgnoreCase) ? told.To! : told.From, StringComparer.OrdinalIgnoreCase))
        {
            latest.Add((conversation.Key, conversation.Max(told => told.Timestamp)));
        }

        var batch = $"c{++irc.HistoryRequests}";
        session.Reply($":{server} BATCH +{batch} draft/chathistory-targets");
        foreach (var (target, at) in latest.OrderBy(entry => entry.At).Take(limit))
        {
            session.Reply($"@batch={batch} :{server} CHATHISTORY TARGETS {target} {EventWriter.FormatTimestamp(at)}");
        }

        session.Reply($":{server} BATCH -{batch}");
    }

    // Reads a channel's or a conversation's messages with ids in (after, before): the newest count, or with forward
    // the oldest, oldest first either way.
    private delegate ValueTask<IReadOnlyList<StoredMessage>> Read(long after, long before, int count, bool forward);

    // Half before the reference (the newest of them), the rest from it on.
    private async Task<IReadOnlyList<StoredMessage>> AroundAsync(Read read, Reference around, int limit)
    {
        var pivot = around.Id ?? await log.Store.IdAtAsync(around.Time!.Value);
        var before = await read(0, pivot, limit / 2, false);
        var after = await read(pivot - 1, long.MaxValue, limit - before.Count, true);
        return [.. before, .. after];
    }

    // Strictly between the two, the oldest first when the first is the earlier, else the newest before the first.
    private async Task<IReadOnlyList<StoredMessage>> BetweenAsync(Read read, Reference first, Reference second, int limit)
    {
        var forward = first.Id is { } a && second.Id is { } b ? a <= b : (first.Time ?? DateTimeOffset.MinValue) <= (second.Time ?? DateTimeOffset.MaxValue);
        var (lower, upper) = forward ? (first, second) : (second, first);
        return await read(await AfterAsync(lower), await BeforeAsync(upper), limit, forward);
    }

    // The id every message after the reference is above.
    private async Task<long> AfterAsync(Reference reference) =>
        reference.Id ?? await log.Store.IdAtAsync(reference.Time!.Value.AddMilliseconds(1)) - 1;

    // The id every message before the reference is below.
    private async Task<long> BeforeAsync(Reference reference) =>
        reference.Id ?? await log.Store.IdAtAsync(reference.Time!.Value);

    private static void Invalid(ChatSession session, string server, string subcommand, string what) =>
        session.Reply($":{server} FAIL CHATHISTORY INVALID_PARAMS {subcommand} :Expected {what}");

    // msgid=ID, timestamp=TIME, or * (LATEST: the newest).
    private sealed record Reference(long? Id, DateTimeOffset? Time, bool IsStar = false)
    {
        public static Reference? Parse(string? text, bool allowStar)
        {
            if (text == "*")
            {
                return allowStar ? new Reference(null, null, IsStar: true) : null;
            }

            if (text?.StartsWith("msgid=", StringComparison.Ordinal) == true
                && long.TryParse(text.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
            {
                return new Reference(id, null);
            }

            if (text?.StartsWith("timestamp=", StringComparison.Ordinal) == true
                && DateTimeOffset.TryParse(text.AsSpan(10), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
            {
                return new Reference(null, time);
            }

            return null;
        }
    }
}
