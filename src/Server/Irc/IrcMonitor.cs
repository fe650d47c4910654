using SocketChat.Protocol.Irc;
using SocketChat.Protocol.Text;
using SocketChat.Server.Clients;
using SocketChat.Server.Rooms;
using SocketChat.Server.Sessions;

namespace SocketChat.Server.Irc;

// IRCv3 MONITOR: + adds nicknames (told at once which are online, 730, and which not, 731), - removes them, C
// clears, L lists (732, 733), S says again who is online; then 730 and 731 as they come and go (NickWatch).
internal sealed class IrcMonitor(NickWatch watch, Users users)
{
    public async Task HandleAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var targets = (message[1] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(ChatNames.IsValid)
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        switch (message[0])
        {
            case "+" when message[1] is null:
                session.Reply(session.Numeric("461", "MONITOR :Not enough parameters"));
                break;
            case "+":
                var refused = watch.Watch(session, targets);
                if (refused.Count > 0)
                {
                    session.Reply(session.Numeric("734", $"{NickWatch.MaxPerWatcher} {string.Join(',', refused)} :Monitor list is full."));
                }

                await StatusAsync(session, targets.Except(refused, StringComparer.OrdinalIgnoreCase).ToList());
                break;
            case "-":
                watch.Unwatch(session, targets);
                break;
            case "C" or "c":
                watch.Unwatch(session);
                break;
            case "L" or "l":
                foreach (var chunk in watch.Watched(session).Chunk(20))
                {
                    session.Reply(session.Numeric("732", $":{string.Join(',', chunk)}"));
                }

                session.Reply(session.Numeric("733", ":End of MONITOR list"));
                break;
            case "S" or "s":
                await StatusAsync(session, watch.Watched(session));
                break;
            default:
                session.Reply($":{irc.ServerName} FAIL MONITOR INVALID_PARAMS :Expected MONITOR + NICKS, - NICKS, C, L or S");
                break;
        }
    }

    // Which of nicks are online (anywhere in the cluster) and which are not.
    private async Task StatusAsync(ChatSession session, IReadOnlyList<string> nicks)
    {
        var online = new List<string>();
        var offline = new List<string>();
        foreach (var nick in nicks)
        {
            if (await users.FindAsync(nick) is { } spelled)
            {
                online.Add(IrcEventWriter.Mask(spelled));
            }
            else
            {
                offline.Add(nick);
            }
        }

        if (online.Count > 0)
        {
            session.Reply(session.Numeric("730", $":{string.Join(',', online)}"));
        }

        if (offline.Count > 0)
        {
            session.Reply(session.Numeric("731", $":{string.Join(',', offline)}"));
        }
    }
}
