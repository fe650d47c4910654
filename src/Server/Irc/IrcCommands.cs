using System.Buffers;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Irc;
using SocketChat.Protocol.Text;
using SocketChat.Server.Rooms;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Irc;

// What each line an IRC client sends does. Chat (messages, nicknames, rooms) goes through SessionCommands
// like every other client's, so it is stored, logged and limited the same way; the rest is answered here.
internal sealed class IrcCommands(
    SessionCommands commands,
    IrcRegistration registration,
    IrcChannels channels,
    RoomDirectory rooms,
    Users users,
    INameRegistry names,
    RecentNames recent,
    IrcModeration moderating,
    IrcChatHistory chatHistory,
    IrcReadMarkers readMarkers,
    IrcMonitor monitor,
    Moderation moderation,
    LogReader reader,
    Storage.MessageLog log)
{
    // The longest line an IRC client may send: 510 bytes of message and 4,096 of client tags, CR LF aside.
    public const int MaxLineBytes = IrcMessage.MaxBodyBytes - 2 + IrcMessage.MaxClientTagBytes;

    // The longest real name or PART/QUIT reason kept, in bytes; a relayed line is cut again to fit 512.
    public const int MaxReasonBytes = 300;

    private const string Action = "\u0001ACTION ";

    private static readonly System.Buffers.SearchValues<char> LabelCharacters =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.:");

    private static readonly TimeSpan PingSettleLimit = TimeSpan.FromSeconds(5);

    // Acts on one framed line; false when the client asked to leave.
    public ValueTask<bool> HandleLine(ChatSession session, in ReadOnlySequence<byte> line)
    {
        session.LinesReceived++;
        var irc = session.Irc!;
        if (!Utf8Line.TryDecode(line, out var decoded))
        {
            // IRCv3 UTF8ONLY: refused with a standard reply naming the command.
            var command = IrcMessage.Parse(System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, line))?.Command ?? "*";
            session.Reply($":{irc.ServerName} FAIL {command} INVALID_UTF8 :Message rejected: this server takes UTF-8 only");
            return ValueTask.FromResult(true);
        }

        // Each part has its own limit: 4,096 bytes of tags with the '@' and the space after them, 510 of the rest.
        var body = decoded.StartsWith('@') && decoded.IndexOf(' ') is var end and > 0 ? decoded[(end + 1)..] : decoded;
        var tags = decoded.Length - body.Length;
        if (System.Text.Encoding.UTF8.GetByteCount(body) > IrcMessage.MaxBodyBytes - 2
            || (tags > 0 && System.Text.Encoding.UTF8.GetByteCount(decoded.AsSpan(0, tags)) > IrcMessage.MaxClientTagBytes))
        {
            // Dropped either way; a NOTICE is never answered with an error (RFC 2812 3.3.2).
            if (!IsNotice(body))
            {
                session.Reply(session.Numeric("417", ":Input line was too long"));
            }

            return ValueTask.FromResult(true);
        }

        if (IrcMessage.Parse(decoded) is not { } message)
        {
            return ValueTask.FromResult(true);
        }

        if (!session.Registered)
        {
            return registration.HandleAsync(session, irc, message);
        }

        // labeled-response: what this line is answered is gathered under its label; a message's answer is its echo,
        // which carries the label itself (as its client id), else the ACK of an answer with nothing in it.
        if (irc.Has(IrcCapabilities.LabeledResponse) && LabelOf(message.Tags) is { } label)
        {
            return message.Command is "PRIVMSG" or "NOTICE" && irc.Has(IrcCapabilities.EchoMessage)
                ? HandleAsync(session, irc, message, label)
                : HandleLabelledAsync(session, irc, message, label);
        }

        return HandleAsync(session, irc, message);
    }

    private async ValueTask<bool> HandleLabelledAsync(ChatSession session, IrcState irc, IrcMessage message, string label)
    {
        session.Send(new IrcLabelEvent(label, End: false));
        try
        {
            return await HandleAsync(session, irc, message);
        }
        finally
        {
            session.Send(new IrcLabelEvent(label, End: true));
        }
    }

    // The label tag's value, when it is one a reply can carry back (letters, digits and -_.:, at most 64).
    private static string? LabelOf(string? tags)
    {
        foreach (var tag in (tags ?? string.Empty).Split(';'))
        {
            if (tag.StartsWith("label=", StringComparison.Ordinal) && tag.Length is > 6 and <= 70
                && tag.AsSpan(6).IndexOfAnyExcept(LabelCharacters) < 0)
            {
                return tag[6..];
            }
        }

        return null;
    }

    // A NOTICE's command word, after an optional prefix; the rest of the line need not parse.
    private static bool IsNotice(string body)
    {
        var words = body.AsSpan().TrimStart(' ');
        if (words.StartsWith(":"))
        {
            words = words.IndexOf(' ') is var space and > 0 ? words[(space + 1)..].TrimStart(' ') : [];
        }

        return words.StartsWith("NOTICE ", StringComparison.OrdinalIgnoreCase);
    }

    // A line longer than MaxLineBytes was dropped; start is what had come of it.
    public static void RejectTooLong(ChatSession session, in ReadOnlySequence<byte> start)
    {
        session.LinesReceived++;
        var head = System.Text.EncodingExtensions.GetString(System.Text.Encoding.UTF8, start.Slice(0, Math.Min(start.Length, MaxLineBytes + 2)));
        var body = head.StartsWith('@') && head.IndexOf(' ') is var end and > 0 ? head[(end + 1)..] : head;
        if (!IsNotice(body))
        {
            session.Reply(session.Numeric("417", ":Input line was too long"));
        }
    }

    private async ValueTask<bool> HandleAsync(ChatSession session, IrcState irc, IrcMessage message, string? label = null)
    {
        var server = irc.ServerName;
        var nick = session.Nick;
        switch (message.Command)
        {
            case "PRIVMSG" or "NOTICE":
                await SendAsync(session, irc, message, label);
                break;
            case "JOIN":
                await channels.JoinAsync(session, irc, message);
                break;
            case "PART":
                await channels.PartAsync(session, irc, message);
                break;
            case "NAMES":
                await channels.NamesAsync(session, irc, message);
                break;
            case "LIST":
                channels.List(session, message);
                break;
            case "TOPIC":
                await moderating.TopicAsync(session, irc, message);
                break;
            case "MODE" when message[0] is { } channel && channel.StartsWith('#'):
                await moderating.ModeAsync(session, irc, message, channel);
                break;
            case "MODE":
                IrcChannels.Mode(session, message);
                break;
            case "KICK":
                await moderating.KickAsync(session, irc, message);
                break;
            case "INVITE":
                await moderating.InviteAsync(session, irc, message);
                break;
            case "OPER":
                await moderating.OperAsync(session, message);
                break;
            case "KILL":
                await moderating.KillAsync(session, irc, message);
                break;
            case "SEARCH":
                await chatHistory.SearchAsync(session, irc, message);
                break;
            case "CHATHISTORY":
                await chatHistory.HandleAsync(session, irc, message);
                break;
            case "MARKREAD":
                await readMarkers.HandleAsync(session, irc, message);
                break;
            case "MONITOR":
                await monitor.HandleAsync(session, irc, message);
                break;
            case "WALLOPS":
                await moderating.WallopsAsync(session, message);
                break;
            case "WHO":
                await WhoAsync(session, irc, message);
                break;
            case "WHOIS":
                await WhoisAsync(session, irc, message);
                break;
            case "WHOWAS":
                WhoWas(session, irc, message);
                break;
            case "NICK" when string.IsNullOrEmpty(message[0]):
                session.Reply(session.Numeric("431", ":No nickname given"));
                break;
            case "NICK" when !IrcRegistration.IsValidNick(message[0]!):
                session.Reply(session.Numeric("432", $"{message[0]} :Erroneous nickname: use {ChatNames.Rule}"));
                break;
            case "NICK" when string.Equals(message[0], nick, StringComparison.Ordinal):
                // Already its name: nothing to do, and nothing to say.
                break;
            case "NICK":
                irc.Subject = message[0]!;
                await commands.DispatchAsync(session, new NickCommand(message[0]!));
                break;
            case "PING" when message[0] is { } token:
                // PONG once every line sent before the PING has been delivered (and this client's echoed): a client
                // or a test that pings to know the chat has caught up can count on it, as with a relay that stores
                // nothing. A store that does not answer is not waited for long.
                await log.WhenSettledAsync().WaitAsync(PingSettleLimit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                await commands.WhenDeliveredAsync(session).WaitAsync(PingSettleLimit).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                session.Reply($":{server} PONG {server} :{token}");
                break;
            case "PING":
                session.Reply(session.Numeric("409", ":No origin specified"));
                break;
            case "PONG":
                break;
            case "QUIT":
                // Nothing the room says after the goodbye is sent: the client asked to go. Its channels hear why.
                session.QuitMessage = IrcText.Field($"Quit: {message[0] ?? "leaving"}", MaxReasonBytes);
                session.Outbound.Hold();
                session.Reply(IrcText.Fit("ERROR :Closing link: ", $"{nick} ({session.QuitMessage})"));
                return false;
            case "CAP":
                registration.Capabilities(session, irc, message);
                break;
            case "AWAY":
                irc.Away = string.IsNullOrEmpty(message[0]) ? null : IrcText.Field(message[0]!, IrcReplies.AwayLength);
                session.Reply(irc.Away is null
                    ? session.Numeric("305", ":You are no longer marked as being away")
                    : session.Numeric("306", ":You have been marked as being away"));
                await reader.ChangeAsync(new StatusChange(session, new StatusEvent(nick, UserStatus.Away, irc.Away)));
                break;
            case "SETNAME" when !irc.Has(IrcCapabilities.SetName):
                session.Reply(session.Numeric("421", "SETNAME :Unknown command (negotiate setname first)"));
                break;
            case "SETNAME" when message[0] is not { Length: > 0 } || IrcText.Field(message[0]!, MaxReasonBytes).Length == 0:
                session.Reply($":{server} FAIL SETNAME INVALID_REALNAME :Real name is empty");
                break;
            case "SETNAME":
                irc.RealName = IrcText.Field(message[0]!, MaxReasonBytes);
                session.Ident = session.Ident is { } ident ? ident with { RealName = irc.RealName } : new Clients.ClientIdent(irc.User ?? nick, irc.RealName);
                session.Reply(IrcText.Fit($":{IrcEventWriter.Mask(nick)} SETNAME :", irc.RealName));
                await reader.ChangeAsync(new StatusChange(session, new StatusEvent(nick, UserStatus.RealName, irc.RealName)));
                break;
            case "ISON":
                var online = new List<string>();
                foreach (var name in message.Parameters.SelectMany(parameter => parameter.Split(' ', StringSplitOptions.RemoveEmptyEntries)))
                {
                    if (await FindAsync(name) is { } found)
                    {
                        online.Add(found);
                    }
                }

                session.Reply(session.Numeric("303", $":{string.Join(' ', online)}"));
                break;
            case "USERHOST":
                var hosts = new List<string>();
                foreach (var name in message.Parameters.Take(5))
                {
                    if (await FindAsync(name) is { } found)
                    {
                        hosts.Add($"{found}={(users.FindByNick(found)?.Irc?.Away is null ? '+' : '-')}{found}@{IrcEventWriter.Host}");
                    }
                }

                session.Reply(session.Numeric("302", $":{string.Join(' ', hosts)}"));
                break;
            case "MOTD":
                foreach (var line in IrcReplies.Motd(server, nick))
                {
                    session.Reply(line);
                }

                break;
            case "LUSERS":
                // Users and invisible ones (+i) add up to everyone here, as 255, 265 and 266 count them.
                var userCount = users.Count;
                var invisible = users.Sessions.Count(user => user.Irc is { Invisible: true });
                var roomCount = rooms.Rooms.Count(room => room.Count > 0);
                session.Reply(session.Numeric("251", $":There are {userCount - invisible} users and {invisible} invisible on 1 servers"));
                session.Reply(session.Numeric("252", $"{users.Sessions.Count(user => user.ServerOperator)} :operator(s) online"));
                session.Reply(session.Numeric("254", $"{roomCount} :channels formed"));
                session.Reply(session.Numeric("255", $":I have {userCount} clients and 0 servers"));
                session.Reply(session.Numeric("265", $":Current local users: {userCount}"));
                session.Reply(session.Numeric("266", $":Current global users: {userCount}"));
                break;
            case "VERSION":
                session.Reply(session.Numeric("351", $"{IrcReplies.Version} {server} :SocketChat"));
                session.Reply(session.Numeric("005", $"{string.Join(' ', IrcReplies.Support)} :are supported by this server"));
                break;
            case "INFO":
                foreach (var line in IrcReplies.Info)
                {
                    session.Reply(session.Numeric("371", $":{line}"));
                }

                session.Reply(session.Numeric("374", ":End of INFO list"));
                break;
            case "TIME":
                session.Reply(session.Numeric("391", $"{server} :{DateTimeOffset.UtcNow:yyyy-MM-dd HH:mm:ss} UTC"));
                break;
            case "USER" or "PASS":
                session.Reply(session.Numeric("462", ":You may not reregister"));
                break;
            case "AUTHENTICATE":
                session.Reply(session.Numeric("907", ":You have already authenticated using SASL"));
                break;
            default:
                session.Reply(session.Numeric("421", $"{message.Command} :Unknown command"));
                break;
        }

        return true;
    }

    // PRIVMSG and NOTICE: to the client's own channel, or to a nickname. A NOTICE is never answered with an error.
    private async ValueTask SendAsync(ChatSession session, IrcState irc, IrcMessage message, string? label)
    {
        var notice = message.Command == "NOTICE";
        var target = message[0];
        var text = message[1];
        if (string.IsNullOrEmpty(target) || string.IsNullOrEmpty(text))
        {
            if (!notice)
            {
                session.Reply(string.IsNullOrEmpty(target)
                    ? session.Numeric("411", ":No recipient given (PRIVMSG)")
                    : session.Numeric("412", ":No text to send"));
            }

            return;
        }

        if (target.Contains(','))
        {
            if (!notice)
            {
                session.Reply(session.Numeric("407", $"{target} :Too many targets: one at a time"));
            }

            return;
        }

        // CTCP ACTION (/me) is what SocketChat's text calls "/me TEXT"; other CTCP requests have nobody to answer them.
        var said = text;
        if (text.StartsWith(Action, StringComparison.Ordinal))
        {
            said = IrcEventWriter.ActionPrefix + text[Action.Length..].TrimEnd('\u0001');
        }
        else if (text.StartsWith('\u0001'))
        {
            return;
        }

        // Relayed with this user's mask in front, the line must still fit in 512 bytes: refused (417) rather than cut.
        if (System.Text.Encoding.UTF8.GetByteCount($":{IrcEventWriter.Mask(session.Nick)} {message.Command} {target} :{text}") + 2 > IrcMessage.MaxBodyBytes)
        {
            if (!notice)
            {
                session.Reply(session.Numeric("417", ":Input line was too long once your address is added: split it"));
            }

            return;
        }

        ClientCommand command;
        if (target.StartsWith('#'))
        {
            if (IrcChannels.RoomOf(session, target) is not { } room)
            {
                return;
            }

            // Channels are +n: only their members speak in them.
            if (session.Rooms.FirstOrDefault(own => string.Equals(own, room, StringComparison.OrdinalIgnoreCase)) is not { } member)
            {
                if (!notice)
                {
                    session.Reply(rooms.FindRoom(room) is { Count: > 0 }
                        ? session.Numeric("404", $"{target} :Cannot send to channel: JOIN it first")
                        : session.Numeric("403", $"{target} :No such channel"));
                }

                return;
            }

            // Muted, banned, or without a voice in a moderated room: 404 with why (a NOTICE is dropped silently).
            if (moderation.SpeakRefusal(session, member) is { } refused)
            {
                if (!notice)
                {
                    session.Reply(session.Numeric("404", $"{target} :Cannot send to channel ({refused.Message})"));
                }

                return;
            }

            command = new ChannelSayCommand(member, said, label);
        }
        else
        {
            command = new PrivateMessageCommand(target, said, label);
            if (users.FindByNick(target) is { Irc.Away: { } away } recipient && !notice)
            {
                session.Reply(session.Numeric("301", $"{recipient.Nick} :{away}"));
            }
        }

        irc.Subject = target;
        session.Quiet = notice;
        try
        {
            await commands.DispatchAsync(session, command);
        }
        finally
        {
            session.Quiet = false;
        }
    }

    private async ValueTask WhoAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        var mask = message[0] ?? "*";

        // WHOX: WHO MASK %FIELDS[,TOKEN] answers 354 with those fields.
        var whox = message[1] is { Length: > 1 } fields && fields[0] == '%' ? fields[1..].Split(',', 2) : null;
        if (mask.StartsWith('#') && IrcChannels.RoomOf(session, mask) is { } asked)
        {
            var room = rooms.FindRoom(asked)?.Name ?? asked;
            var rules = moderation.Rules(room);

            // A secret room's members are its members' to see: anyone else is told only the end.
            var members = moderation.HiddenFrom(session, room) ? [] : await commands.MembersAsync(room);
            foreach (var member in members)
            {
                WhoReply(session, irc, $"#{room}", member, IrcModeration.Prefix(rules, member, irc.Has(IrcCapabilities.MultiPrefix)), whox);
            }
        }
        else if (mask.AsSpan().IndexOfAny('*', '?') >= 0)
        {
            // A mask matches this server's users by nickname; those who set +i only when they share a channel.
            foreach (var other in users.Sessions.Where(other => other.Registered && Glob.IsMatch(mask, other.Nick)))
            {
                var shared = other.Rooms.FirstOrDefault(session.IsIn);
                if (other.Irc?.Invisible == true && shared is null && !ReferenceEquals(other, session))
                {
                    continue;
                }

                // The channel shown is one they share, else one that is not secret.
                var shown = shared ?? other.Rooms.FirstOrDefault(room => !moderation.HiddenFrom(session, room));
                WhoReply(session, irc, shown is { } channel ? $"#{channel}" : "*", other.Nick, whox: whox);
            }
        }
        else if (!mask.StartsWith('#') && await FindAsync(mask) is { } found)
        {
            var their = users.FindByNick(found)?.Rooms.FirstOrDefault(room => !moderation.HiddenFrom(session, room));
            WhoReply(session, irc, their is not null ? $"#{their}" : "*", found, whox: whox);
        }

        session.Reply(session.Numeric("315", $"{mask} :End of /WHO list."));
    }

    private async ValueTask WhoisAsync(ChatSession session, IrcState irc, IrcMessage message)
    {
        // WHOIS [server] nick: the nick is the last parameter.
        var asked = message.Parameters.Count > 0 ? message.Parameters[^1].Split(',')[0] : null;
        if (string.IsNullOrEmpty(asked))
        {
            session.Reply(session.Numeric("431", ":No nickname given"));
            return;
        }

        if (await FindAsync(asked) is not { } found)
        {
            session.Reply(session.Numeric("401", $"{asked} :No such nick/channel"));
            session.Reply(session.Numeric("318", $"{asked} :End of /WHOIS list."));
            return;
        }

        var local = users.FindByNick(found);
        var (user, realName) = Identity(found);
        session.Reply(session.Numeric("311", $"{found} {user} {IrcEventWriter.Host} * :{realName}"));
        if (local is { Rooms: { Length: > 0 } rooms })
        {
            // A secret room's only to its members; no 319 when every room is secret.
            var shown = rooms.Select(room => (room, rules: moderation.Rules(room)))
                .Where(seen => !seen.rules.Has('s') || session.IsIn(seen.room) || session.ServerOperator)
                .Select(seen => $"{IrcModeration.Prefix(seen.rules, found, irc.Has(IrcCapabilities.MultiPrefix))}#{seen.room}")
                .ToList();
            if (shown.Count > 0)
            {
                session.Reply(session.Numeric("319", $"{found} :{string.Join(' ', shown)}"));
            }
        }

        session.Reply(session.Numeric("312", $"{found} {irc.ServerName} :{(local is null ? "on another server of this cluster" : "SocketChat")}"));
        if (local?.Irc?.Away is { } away)
        {
            session.Reply(session.Numeric("301", $"{found} :{away}"));
        }

        if (local is { ServerOperator: true })
        {
            session.Reply(session.Numeric("313", $"{found} :is an IRC operator"));
        }

        if (local?.Irc is { Bot: true })
        {
            session.Reply(session.Numeric("335", $"{found} :is a bot"));
        }

        session.Reply(session.Numeric("318", $"{found} :End of /WHOIS list."));
    }

    // WHOWAS nick [count]: who held nick lately, newest first (RecentNames), each as 314 then 312 with when it let
    // go; 406 when nobody did; 369 to end.
    private void WhoWas(ChatSession session, IrcState irc, IrcMessage message)
    {
        var asked = message[0]?.Split(',')[0];
        if (string.IsNullOrEmpty(asked))
        {
            session.Reply(session.Numeric("431", ":No nickname given"));
            return;
        }

        var count = int.TryParse(message[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var wanted) ? wanted : 0;
        var held = recent.Find(asked, count);
        if (held.Count == 0)
        {
            session.Reply(session.Numeric("406", $"{asked} :There was no such nickname"));
        }

        foreach (var entry in held)
        {
            session.Reply(session.Numeric("314", $"{entry.Nick} {entry.User} {IrcEventWriter.Host} * :{entry.RealName}"));
            session.Reply(session.Numeric("312", $"{entry.Nick} {irc.ServerName} :{entry.Until.UtcDateTime:ddd MMM d HH:mm:ss yyyy} UTC"));
        }

        session.Reply(session.Numeric("369", $"{asked} :End of WHOWAS"));
    }

    // One 352 line: where, user, host, server, nick, here (H) or gone away (G), hops and real name.
    // With WHOX (whox: the fields asked for, then the token), one 354 line of those fields in WHOX's fixed order.
    private void WhoReply(ChatSession session, IrcState irc, string channel, string nick, string prefix = "", string[]? whox = null)
    {
        var (user, realName) = Identity(nick);
        if (whox is null)
        {
            session.Reply(session.Numeric("352", $"{channel} {user} {IrcEventWriter.Host} {irc.ServerName} {nick} {Here(nick)}{prefix} :0 {realName}"));
            return;
        }

        var fields = whox[0];
        var values = new List<string>();
        foreach (var (flag, value) in new (char, Func<string>)[]
        {
            ('t', () => whox.Length > 1 && whox[1].Length > 0 ? whox[1] : "0"),
            ('c', () => channel),
            ('u', () => user),
            ('i', () => "255.255.255.255"),
            ('h', () => IrcEventWriter.Host),
            ('s', () => irc.ServerName),
            ('n', () => nick),
            ('f', () => Here(nick) + prefix),
            ('d', () => "0"),
            ('l', () => "0"),
            ('a', () => users.FindByNick(nick)?.Account ?? "0"),
            ('o', () => "n/a"),
            ('r', () => ":" + realName),
        })
        {
            if (fields.Contains(flag, StringComparison.Ordinal))
            {
                values.Add(value());
            }
        }

        session.Reply(session.Numeric("354", string.Join(' ', values)));
    }

    // WHO's flags: here (H) or gone away (G), a bot (B), a server operator (*).
    private string Here(string nick) => users.FindByNick(nick) is { } local
        ? (local.Irc is { } irc ? (irc.Away is null ? "H" : "G") + (irc.Bot ? "B" : "") : "H") + (local.ServerOperator ? "*" : "")
        : "H";

    // What an IRC user on this server said in USER; anyone else is their nickname.
    private (string User, string RealName) Identity(string nick) =>
        users.FindByNick(nick)?.Irc is { User: { } user, RealName: { } realName } ? (user, realName) : (nick, nick);

    // A connected nickname as it is spelled, here or on another server of the cluster.
    private async ValueTask<string?> FindAsync(string nick) =>
        users.FindByNick(nick) is { Registered: true } local ? local.Nick : await names.FindAsync(nick);
}
