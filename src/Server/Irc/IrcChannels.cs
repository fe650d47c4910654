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
internal sealed class IrcChannels(SessionCommands commands, RoomDirectory rooms)
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

        // Keys, if given, are not needed: no channel here has one.
        foreach (var channel in list.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
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
            await commands.DispatchAsync(session, new ChannelJoinCommand(room));
            if (session.IsIn(room))
            {
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
        var members = await commands.MembersAsync(room);
        var shown = irc.Has(IrcCapabilities.UserhostInNames) ? members.Select(IrcEventWriter.Mask).ToArray() : members;
        foreach (var line in IrcReplies.Names(irc.ServerName, session.Nick, room, shown, end))
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
            .OrderBy(room => room.Name, StringComparer.OrdinalIgnoreCase))
        {
            session.Reply(session.Numeric("322", $"#{room.Name} {room.Count} :"));
        }

        session.Reply(session.Numeric("323", ":End of /LIST"));
    }

    public void Topic(ChatSession session, IrcMessage message)
    {
        if (message[0] is not { } channel)
        {
            session.Reply(session.Numeric("461", "TOPIC :Not enough parameters"));
        }
        else if (RoomOf(session, channel) is not { } room)
        {
            return;
        }
        else if (rooms.FindRoom(room) is not { Count: > 0 })
        {
            session.Reply(session.Numeric("403", $"{channel} :No such channel"));
        }
        else if (message[1] is null)
        {
            session.Reply(session.Numeric("331", $"{channel} :No topic is set"));
        }
        else
        {
            session.Reply(session.Numeric("482", $"{channel} :Rooms have no topic on this server"));
        }
    }

    // Applies +i, +B, -i, -B in the order given ("+iB", "-B+i"); what changed, as MODE tells it back ("+iB"),
    // empty when nothing did.
    private static string UserModes(IrcState irc, string changes)
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

            var was = flag == 'i' ? irc.Invisible : irc.Bot;
            if (was == adding)
            {
                continue;
            }

            if (flag == 'i')
            {
                irc.Invisible = adding;
            }
            else
            {
                irc.Bot = adding;
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
        else if (!target.StartsWith('#'))
        {
            // User modes: +i (clients ask for it as they connect; names here are seen by whoever asks anyway, so it
            // changes nothing, but is kept and shown back so the client does not warn) and +B (a bot says so).
            if (!string.Equals(target, session.Nick, StringComparison.OrdinalIgnoreCase))
            {
                session.Reply(session.Numeric("502", ":Can't change mode for other users"));
            }
            else if (message[1] is { } change && change.Trim('+', '-', 'i', 'B').Length > 0)
            {
                session.Reply(session.Numeric("501", ":Unknown MODE flag"));
            }
            else if (message[1] is { Length: > 0 } changes && UserModes(session.Irc!, changes) is { Length: > 0 } applied)
            {
                session.Reply($":{IrcEventWriter.Mask(session.Nick)} MODE {session.Nick} :{applied}");
            }
            else if (message[1] is null)
            {
                var irc = session.Irc!;
                session.Reply(session.Numeric("221", $"+{(irc.Invisible ? "i" : "")}{(irc.Bot ? "B" : "")}"));
            }
        }
        else if (RoomOf(session, target) is null)
        {
            return;
        }
        else if (message[1] is not { } modes)
        {
            session.Reply(session.Numeric("324", $"{target} +nt"));
        }
        else
        {
            // Lists are asked for by clients as they join; they are empty. Changes are refused.
            switch (modes.TrimStart('+'))
            {
                case "b":
                    session.Reply(session.Numeric("368", $"{target} :End of channel ban list"));
                    break;
                case "e":
                    session.Reply(session.Numeric("349", $"{target} :End of channel exception list"));
                    break;
                case "I":
                    session.Reply(session.Numeric("347", $"{target} :End of channel invite list"));
                    break;
                default:
                    session.Reply(session.Numeric("482", $"{target} :Channel modes cannot be changed on this server"));
                    break;
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
