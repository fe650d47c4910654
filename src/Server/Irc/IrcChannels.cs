using Microsoft.Extensions.Options;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Irc;
using SocketChat.Protocol.Text;
using SocketChat.Server.Rooms;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Irc;

// Channels are rooms. An IRC connection is in as many as it joins (up to MaxChannels), from none
// at registration; what it says to a channel goes to that room. nc, telnet and JSON connections stay in one room.
internal sealed class IrcChannels(SessionCommands commands, RoomDirectory rooms, Moderation moderation, AccountPlaces places)
{
    // How many channels one connection may be in (CHANLIMIT).
    public const int MaxChannels = 50;

    public async ValueTask JoinAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        if (message[0] is not { Length: > 0 } list)
        {
            session.Reply(session.Numeric("461", "JOIN :Not enough parameters"));
            return;
        }

        // JOIN 0 leaves every channel.
        if (list == "0")
        {
            foreach (var room in session.Rooms)
            {
                await PartOneAsync(session, irc, room, reason: null);
            }

            return;
        }

        // JOIN #a,#b key-a,key-b: each channel's key in its place.
        var keys = message[1]?.Split(',') ?? [];
        var index = -1;
        foreach (var channel in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            index++;
            var key = index < keys.Length && keys[index].Length > 0 ? keys[index] : null;
            if (RoomOf(session, channel) is not { } room || session.IsIn(room))
            {
                continue;
            }

            if (session.Rooms.Length >= MaxChannels)
            {
                session.Reply(session.Numeric("405", $"{channel} :You have joined too many channels ({MaxChannels})"));
                continue;
            }

            irc.Subject = channel;
            await commands.DispatchAsync(session, new ChannelJoinCommand(room, key));
            if (session.IsIn(room))
            {
                // draft/read-marker: where the account stopped reading, after the JOIN and before the names.
                places.TellMarker(session, room);
                IrcModeration.SendTopic(session, rooms.FindRoom(room)?.Name ?? room, moderation.Rules(room), unsetToo: false);
                await SendNamesAsync(session, irc, room);
            }
        }
    }

    public async ValueTask PartAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        if (message[0] is not { Length: > 0 } list)
        {
            session.Reply(session.Numeric("461", "PART :Not enough parameters"));
            return;
        }

        foreach (var channel in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            if (RoomOf(session, channel) is not { } room)
            {
                continue;
            }

            if (!session.IsIn(room))
            {
                session.Reply(rooms.FindRoom(room) is { Count: > 0 }
                    ? session.Numeric("442", $"{channel} :You're not on that channel")
                    : session.Numeric("403", $"{channel} :No such channel"));
                continue;
            }

            await PartOneAsync(session, irc, room, message[1]);
        }
    }

    public async ValueTask NamesAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var channel = message[0]?.Split(',')[0];
        if (channel is null)
        {
            // Every channel it is in; the end names none in particular.
            foreach (var room in session.Rooms)
            {
                await SendNamesAsync(session, irc, room, end: false);
            }

            session.Reply(session.Numeric("366", "* :End of /NAMES list."));
        }
        else if (ChannelName(channel) is { } room)
        {
            await SendNamesAsync(session, irc, room);
        }
        else
        {
            session.Reply(session.Numeric("366", $"{channel} :End of /NAMES list."));
        }
    }

    private async Task SendNamesAsync(ChatSession session, IrcState irc, string asked, bool end = true)
    {
        // As the room spells itself, whatever case the client asked in.
        var room = rooms.FindRoom(asked)?.Name ?? asked;
        var rules = moderation.Rules(room);
        if (rules.Has('s') && !session.IsIn(room) && !session.ServerOperator)
        {
            // A secret room's members are its own business.
            if (end)
            {
                session.Reply(session.Numeric("366", $"#{room} :End of /NAMES list."));
            }

            return;
        }

        var members = await commands.MembersAsync(room);
        var all = irc.Has(IrcCapabilities.MultiPrefix);
        var shown = members.Select(member => IrcModeration.Prefix(rules, member, all) + (irc.Has(IrcCapabilities.UserhostInNames) ? IrcEventWriter.Mask(member) : member)).ToArray();
        foreach (var line in IrcReplies.Names(irc.ServerName, session.Nick, room, shown, end, rules.Has('s') ? '@' : '='))
        {
            session.Reply(line);
        }
    }

    // LIST, or LIST of the channels named (those with members).
    public void List(ChatSession session, IrcMessage message)
    {
        var asked = message[0] is { Length: > 0 } names
            ? names.Split(',').Select(ChannelName).OfType<string>().ToHashSet(StringComparer.OrdinalIgnoreCase)
            : null;
        session.Reply(session.Numeric("321", "Channel :Users  Name"));
        foreach (var room in rooms.Rooms
            .Where(room => room.Count > 0 && asked?.Contains(room.Name) != false)
            .Where(room => !moderation.Rules(room.Name).Has('s') || session.IsIn(room.Name) || session.ServerOperator)
            .OrderBy(room => room.Name, StringComparer.OrdinalIgnoreCase))
        {
            session.Reply(IrcText.Fit(session.Numeric("322", $"#{room.Name} {room.Count} :"), moderation.Rules(room.Name).Topic ?? string.Empty));
        }

        session.Reply(session.Numeric("323", ":End of /LIST"));
    }

    // Applies +i, +B, -i, -B in the order given ("+iB", "-B+i"); what changed, as MODE tells it back ("+iB"),
    // empty when nothing did.
    private static string UserModes(ChatSession session, IrcState irc, string changes)
    {
        var applied = new System.Text.StringBuilder();
        var adding = true;
        var shownSign = (char?)null;
        foreach (var flag in changes)
        {
            if (flag is '+' or '-')
            {
                adding = flag == '+';
                continue;
            }

            var was = flag switch
            {
                'i' => irc.Invisible,
                'B' => irc.Bot,
                'w' => session.Wallops,
                _ => session.ServerOperator,
            };

            // +o comes with OPER alone; -o gives it up.
            if (was == adding || (flag == 'o' && adding))
            {
                continue;
            }

            switch (flag)
            {
                case 'i':
                    irc.Invisible = adding;
                    break;
                case 'B':
                    irc.Bot = adding;
                    session.Bot = adding;
                    break;
                case 'w':
                    session.Wallops = adding;
                    break;
                default:
                    session.ServerOperator = false;
                    break;
            }

            var sign = adding ? '+' : '-';
            if (shownSign != sign)
            {
                applied.Append(sign);
                shownSign = sign;
            }

            applied.Append(flag);
        }

        return applied.ToString();
    }

    public static void Mode(ChatSession session, IrcMessage message)
    {
        var target = message[0];
        if (target is null)
        {
            session.Reply(session.Numeric("461", "MODE :Not enough parameters"));
        }
        else
        {
            // User modes (a channel's are IrcModeration's): +i (clients ask for it as they connect; names here are seen by whoever asks anyway, so it
            // changes nothing, but is kept and shown back so the client does not warn) and +B (a bot says so).
            if (!string.Equals(target, session.Nick, StringComparison.OrdinalIgnoreCase))
            {
                session.Reply(session.Numeric("502", ":Can't change mode for other users"));
            }
            else if (message[1] is { } change && change.Trim('+', '-', 'i', 'B', 'w', 'o').Length > 0)
            {
                session.Reply(session.Numeric("501", ":Unknown MODE flag"));
            }
            else if (message[1] is { Length: > 0 } changes && UserModes(session, session.Irc!, changes) is { Length: > 0 } applied)
            {
                session.Reply($":{IrcEventWriter.Mask(session.Nick)} MODE {session.Nick} :{applied}");
            }
            else if (message[1] is null)
            {
                var irc = session.Irc!;
                session.Reply(session.Numeric("221", $"+{(irc.Invisible ? "i" : "")}{(irc.Bot ? "B" : "")}{(session.Wallops ? "w" : "")}{(session.ServerOperator ? "o" : "")}"));
            }
        }
    }

    // The room a channel names, or null with 403 or 479 sent.
    public static string? RoomOf(ChatSession session, string channel)
    {
        if (!channel.StartsWith('#'))
        {
            session.Reply(session.Numeric("403", $"{channel} :No such channel"));
            return null;
        }

        if (ChannelName(channel) is not { } room)
        {
            session.Reply(session.Numeric("479", $"{channel} :Illegal channel name: use # then {ChatNames.Rule}"));
            return null;
        }

        return room;
    }

    // The room a channel names, or null (no reply sent).
    public static string? ChannelRoom(string channel) => ChannelName(channel);

    private static string? ChannelName(string channel) =>
        channel.StartsWith('#') && ChatNames.IsValid(channel[1..]) ? channel[1..] : null;

    // Out of one channel: the others in it hear it leave, and so does this client (it is no longer a member).
    private async Task PartOneAsync(ChatSession session, IrcState irc, string room, string? reason)
    {
        irc.Subject = $"#{room}";
        reason = string.IsNullOrEmpty(reason) ? null : IrcText.Field(reason, IrcCommands.MaxReasonBytes);
        await commands.DispatchAsync(session, new ChannelPartCommand(room, reason));
        if (!session.IsIn(room))
        {
            session.Reply(reason is null ? $":{IrcEventWriter.Mask(session.Nick)} PART #{room}" : IrcText.Fit($":{IrcEventWriter.Mask(session.Nick)} PART #{room} :", reason));
        }
    }
}
