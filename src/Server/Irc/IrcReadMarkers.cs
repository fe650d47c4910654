using System.Globalization;
using SocketChat.Protocol.Irc;
using SocketChat.Server.Clients;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Irc;

// draft/read-marker: MARKREAD #channel timestamp=TIME moves the account's read marker (never back) and every device
// of the account that asked for the capability is told; MARKREAD #channel asks where it is. Markers are the
// account's (AccountPlaces), so the same on its JSON devices and its page.
internal sealed class IrcReadMarkers(AccountPlaces places, MessageLog log)
{
    public async Task HandleAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var server = irc.ServerName;
        if (message[0] is not { Length: > 0 } target)
        {
            session.Reply($":{server} FAIL MARKREAD NEED_MORE_PARAMS :Missing parameters");
            return;
        }

        if (session.Account is null || !target.StartsWith('#') || !session.IsIn(target[1..]))
        {
            session.Reply($":{server} FAIL MARKREAD INVALID_PARAMS {target} :{(session.Account is null ? "Read markers are kept for accounts" : "You are not on that channel")}");
            return;
        }

        var room = target[1..];
        if (message[1] is not { } stamp)
        {
            places.TellMarker(session, room, cid: string.Empty);
            return;
        }

        if (!stamp.StartsWith("timestamp=", StringComparison.Ordinal)
            || !DateTimeOffset.TryParse(stamp.AsSpan(10), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            session.Reply($":{server} FAIL MARKREAD INVALID_PARAMS {target} :Expected timestamp=YYYY-MM-DDThh:mm:ss.sssZ");
            return;
        }

        // Read up to the last message stored at or before the time.
        long upTo;
        try
        {
            upTo = await log.Store.IdAtAsync(time.AddMilliseconds(1)) - 1;
        }
        catch (StoreUnavailableException)
        {
            session.Reply($":{server} FAIL MARKREAD INTERNAL_ERROR {target} :The store cannot be read right now; try again");
            return;
        }

        await places.MarkAsync(session, room, new ReadMarker(upTo, time));
    }
}
