using System.Buffers;
using System.Text;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Irc;
using SocketChat.Protocol.Text;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Irc;

// Writes the chat's events as IRC lines for one connection: who it is and what it negotiated decide the target of a
// private message, the tags, the echo of its own messages and the history batch. Called by its write loop alone.
internal static class IrcEventWriter
{
    // What an IRC line adds to the text line of the same event, about (source, command, target, tags).
    public const int Overhead = 96;

    // What SocketChat's own text says an action is; IRC carries it as CTCP ACTION.
    public const string ActionPrefix = TextEventWriter.ActionPrefix;

    private const string Action = "\u0001ACTION ";

    // The host every user's mask shows: addresses are not told to other users.
    public const string Host = "socketchat";

    public static string Mask(string nick) => $"{nick}!{nick}@{Host}";

    // A live room message's lines for a connection with irc's capabilities, made once per capability set.
    public static ReadOnlyMemory<byte> Shared(EncodedEvent message, IrcState irc) =>
        message.For((irc.Has(IrcCapabilities.ServerTime) ? 1 : 0) | (irc.Has(IrcCapabilities.MessageTags) ? 2 : 0) | (irc.AccountsOn && irc.Has(IrcCapabilities.AccountTag) ? 4 : 0), EncodeShared);

    private static readonly Func<ServerEvent, int, byte[]> EncodeShared = static (serverEvent, variant) =>
    {
        var said = (RoomMessageEvent)serverEvent;
        var output = new ArrayBufferWriter<byte>(256);
        Message(output, batch: null, time: (variant & 1) != 0, msgid: (variant & 2) != 0, said.From, said.Notice ? "NOTICE" : "PRIVMSG", $"#{said.Room}", said.Text, said.Timestamp, said.Id, bot: said.Bot, account: (variant & 4) != 0 ? said.From : null);
        return output.WrittenSpan.ToArray();
    };

    public static void Write(EncodedEvent message, IrcState irc, string nick, IBufferWriter<byte> output)
    {
        var serverEvent = message.Event;

        // A batch of history ends at the first event that is not history, or is another room's.
        if (irc.OpenBatch is { } batch && (serverEvent is not RoomMessageEvent { History: true } past || !string.Equals(past.Room, irc.OpenBatchRoom, StringComparison.OrdinalIgnoreCase)))
        {
            Line(output, $":{irc.ServerName} BATCH -{batch}");
            irc.OpenBatch = null;
        }

        var server = irc.ServerName;
        switch (serverEvent)
        {
            case IrcLineEvent reply:
                Line(output, reply.Line);
                break;
            case WelcomeEvent welcome:
                foreach (var line in IrcReplies.Welcome(server, welcome.Nick))
                {
                    Line(output, line);
                }

                break;
            case PresenceEvent { Action: PresenceAction.Join } joined:
                if (string.Equals(irc.LastQuit, joined.Nick, StringComparison.OrdinalIgnoreCase))
                {
                    irc.LastQuit = null;
                }

                // extended-join: the account (every user's nickname where accounts are on, else none) and real name.
                Line(output, irc.Has(IrcCapabilities.ExtendedJoin)
                    ? IrcText.Fit($":{Mask(joined.Nick)} JOIN #{joined.Room} {(irc.AccountsOn ? joined.Nick : "*")} :", (string.Equals(joined.Nick, nick, StringComparison.OrdinalIgnoreCase) ? irc.RealName : joined.RealName) ?? joined.Nick)
                    : $":{Mask(joined.Nick)} JOIN #{joined.Room}");
                break;
            case PresenceEvent { Action: PresenceAction.Leave } left:
                // A connection never hears itself leave (it is out of the room first); one with its name that
                // just closed can be heard after this one took the name, and is not this client parting. Another
                // device of its account that left the room took it out too: that is its own PART.
                if (left.Device)
                {
                    Line(output, left.Reason is { } why ? IrcText.Fit($":{Mask(nick)} PART #{left.Room} :", why) : $":{Mask(nick)} PART #{left.Room}");
                    break;
                }

                if (string.Equals(left.Nick, nick, StringComparison.OrdinalIgnoreCase))
                {
                    break;
                }

                // A connection that ended is a QUIT, told once though each room shared with it tells it.
                if (!left.Disconnected)
                {
                    Line(output, left.Reason is { } said ? IrcText.Fit($":{Mask(left.Nick)} PART #{left.Room} :", said) : $":{Mask(left.Nick)} PART #{left.Room}");
                }
                else if (!string.Equals(irc.LastQuit, left.Nick, StringComparison.OrdinalIgnoreCase))
                {
                    irc.LastQuit = left.Nick;
                    Line(output, IrcText.Fit($":{Mask(left.Nick)} QUIT :", left.Reason ?? "left"));
                }

                break;
            case StatusEvent { What: UserStatus.Away } away:
                Line(output, away.Text is { } gone ? IrcText.Fit($":{Mask(away.Nick)} AWAY :", gone) : $":{Mask(away.Nick)} AWAY");
                break;
            case StatusEvent named:
                Line(output, IrcText.Fit($":{Mask(named.Nick)} SETNAME :", named.Text ?? named.Nick));
                break;
            case PresenceEvent renamed:
                // Told once by each room this client shares with the renamed user: shown once.
                if (irc.LastRename != (renamed.OldNick, renamed.Nick))
                {
                    irc.LastRename = (renamed.OldNick, renamed.Nick);
                    Line(output, $":{Mask(renamed.OldNick!)} NICK :{renamed.Nick}");
                }

                break;
            case RoomMessageEvent { History: true } shown:
                if (irc.Has(IrcCapabilities.Batch) && irc.OpenBatch is null)
                {
                    irc.OpenBatch = $"h{++irc.Batches}";
                    irc.OpenBatchRoom = shown.Room;
                    Line(output, $":{server} BATCH +{irc.OpenBatch} chathistory #{shown.Room}");
                }

                Message(output, irc, shown.From, shown.Notice ? "NOTICE" : "PRIVMSG", $"#{shown.Room}", irc.Has(IrcCapabilities.ServerTime) ? shown.Text : $"[history] {shown.Text}", shown.Timestamp, shown.Id);
                break;
            case RoomMessageEvent when output is IEventOutput shared:
                shared.Share(Shared(message, irc));
                break;
            case RoomMessageEvent:
                output.Write(Shared(message, irc).Span);
                break;
            case PrivateMessageEvent told:
                // Sent by another device of its account: its own line, to whom it went.
                Message(output, irc.OpenBatch, irc.Has(IrcCapabilities.ServerTime), irc.Has(IrcCapabilities.MessageTags), told.From, told.Notice ? "NOTICE" : "PRIVMSG", told.Own ? told.To : nick, told.Text, told.Timestamp, told.Id,
                    account: irc.AccountsOn && irc.Has(IrcCapabilities.AccountTag) ? told.From : null);
                break;
            case AckEvent stored:
                // Its own message, stored and delivered: echoed when asked for (echo-message), else only let go.
                // What the echo shows comes with the acknowledgement: the line as stored, to where it went.
                if (stored.Line is { } echoed && irc.Has(IrcCapabilities.EchoMessage))
                {
                    // A labelled line's echo carries its label (labeled-response), which came as its client id.
                    var echo = new ArrayBufferWriter<byte>(256);
                    Message(echo, irc, nick, echoed.Notice ? "NOTICE" : "PRIVMSG", echoed.Room is { } room ? $"#{room}" : echoed.To ?? nick, echoed.Text, stored.Timestamp, stored.Id);
                    foreach (var line in Encoding.UTF8.GetString(echo.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries))
                    {
                        Line(output, stored.Cid is { } label && irc.Has(IrcCapabilities.LabeledResponse) ? Tagged(line, $"label={label}") : line);
                    }
                }

                break;
            case ModerationEvent { History: false } moderated when Moderated(moderated, irc, nick) is { } line:
                Line(output, line);
                break;
            case ModerationEvent { History: false, Action: ModerationActions.Invite }:
                // An invitation to someone else: told only to those who asked (invite-notify).
                break;
            case AnnouncementEvent announcement:
                Message(output, irc, ChatNames.Server, "NOTICE", nick, announcement.Text, announcement.Timestamp, announcement.Id);
                break;
            case KeepAliveEvent:
                Line(output, $"PING :{server}");
                break;
            case ShutdownEvent shutdown:
                Line(output, $":{server} NOTICE {nick} :{shutdown.Text}");
                Line(output, $"ERROR :Closing link: {shutdown.Text}");
                break;
            case WatchEvent watched:
                // MONITOR: who came online (730, with the mask) or went (731).
                Line(output, watched.Online
                    ? $":{server} 730 {nick} :{string.Join(',', watched.Nicks.Select(Mask))}"
                    : $":{server} 731 {nick} :{string.Join(',', watched.Nicks)}");
                break;
            case ReadEvent read:
                // draft/read-marker: where the account stopped reading; nothing for a client that did not ask.
                if (irc.Has(IrcCapabilities.ReadMarker))
                {
                    Line(output, $":{server} MARKREAD #{read.Room} timestamp={(read.Id == 0 ? "*" : EventWriter.FormatTimestamp(read.Timestamp))}");
                }

                break;
            case HistoryEndEvent or WhoEvent or PongEvent:
                break;
            case LoginRequiredEvent:
                Line(output, $":{server} NOTICE {nick} :this server needs an account: log in with SASL PLAIN or PASS");
                break;
            default:
                // Info and notices from the server: a NOTICE from it.
                if (TextEventWriter.Format(serverEvent) is { } text)
                {
                    Line(output, $":{server} NOTICE {nick} :{text.TrimStart('*', ' ')}");
                }

                break;
        }
    }

    // A moderation action as IRC says it: TOPIC, KICK, MODE, INVITE, WALLOPS; null for what it has no line for (told
    // as a server NOTICE instead) or does not tell this client.
    private static string? Moderated(ModerationEvent m, IrcState irc, string nick)
    {
        var source = m.By == ChatNames.Server ? irc.ServerName : Mask(m.By);
        var channel = $"#{m.Room}";
        string Mode(string change) => $":{source} MODE {channel} {change}";
        return m.Action switch
        {
            _ when m.Room is null && m.Action == ModerationActions.Wallops => IrcText.Fit($":{source} WALLOPS :", m.Text ?? string.Empty),
            _ when m.Room is null => null,
            ModerationActions.Topic => IrcText.Fit($":{source} TOPIC {channel} :", m.Text ?? string.Empty),
            ModerationActions.Kick => IrcText.Fit($":{source} KICK {channel} {m.Target} :", m.Text ?? m.By),
            ModerationActions.Op => Mode($"+o {m.Target}"),
            ModerationActions.Deop => Mode($"-o {m.Target}"),
            ModerationActions.Voice => Mode($"+v {m.Target}"),
            ModerationActions.Devoice => Mode($"-v {m.Target}"),
            ModerationActions.Owner => Mode($"+q {m.Target}"),
            ModerationActions.Disown => Mode($"-q {m.Target}"),
            ModerationActions.Ban => Mode($"+b {m.Target}"),
            ModerationActions.Unban => Mode($"-b {m.Target}"),
            ModerationActions.Mute => Mode($"+b m:{m.Target}"),
            ModerationActions.Unmute => Mode($"-b m:{m.Target}"),
            ModerationActions.Mode => Mode(m.Text ?? string.Empty),
            ModerationActions.Invite when string.Equals(m.Target, nick, StringComparison.OrdinalIgnoreCase) || irc.Has(IrcCapabilities.InviteNotify) =>
                $":{source} INVITE {m.Target} {channel}",
            _ => null,
        };
    }

    // A stored message's lines inside batch, as a chathistory reply gives them; none for what is not said (moderation).
    public static IEnumerable<string> HistoryLines(IrcState irc, string batch, Storage.StoredMessage message)
    {
        var output = new ArrayBufferWriter<byte>(256);
        switch (message.Kind)
        {
            case Storage.MessageKind.Room or Storage.MessageKind.Notice:
                Message(output, batch, irc.Has(IrcCapabilities.ServerTime), irc.Has(IrcCapabilities.MessageTags), message.From,
                    message.Kind == Storage.MessageKind.Notice ? "NOTICE" : "PRIVMSG", $"#{message.Room}", message.Text, message.Timestamp, message.Id);
                break;
            case Storage.MessageKind.Private or Storage.MessageKind.PrivateNotice:
                Message(output, batch, irc.Has(IrcCapabilities.ServerTime), irc.Has(IrcCapabilities.MessageTags), message.From,
                    message.Kind == Storage.MessageKind.PrivateNotice ? "NOTICE" : "PRIVMSG", message.To ?? "*", message.Text, message.Timestamp, message.Id);
                break;
            case Storage.MessageKind.Announcement:
                Message(output, batch, irc.Has(IrcCapabilities.ServerTime), irc.Has(IrcCapabilities.MessageTags), ChatNames.Server, "NOTICE", "*", message.Text, message.Timestamp, message.Id);
                break;
            default:
                return [];
        }

        return Encoding.UTF8.GetString(output.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
    }

    // A PRIVMSG or NOTICE, with the time and id as tags where negotiated, split where it would pass 512 bytes.
    private static void Message(IBufferWriter<byte> output, IrcState irc, string from, string command, string target, string text, DateTimeOffset timestamp, long id) =>
        Message(output, irc.OpenBatch, irc.Has(IrcCapabilities.ServerTime), irc.Has(IrcCapabilities.MessageTags), from, command, target, text, timestamp, id);

    private static void Message(IBufferWriter<byte> output, string? batch, bool time, bool msgid, string from, string command, string target, string text, DateTimeOffset timestamp, long id, bool bot = false, string? account = null)
    {
        var tags = Tags(batch, time, msgid, timestamp, id, bot, account);
        var head = $":{Mask(from)} {command} {target} :";
        var (open, close) = text.StartsWith(ActionPrefix, StringComparison.Ordinal) ? (Action, "\u0001") : (string.Empty, string.Empty);
        // IRC clients are read in terminals too: bidi and invisible characters are shown as code points, as in text mode.
        var body = InvisibleText.Reveal(open.Length > 0 ? text[ActionPrefix.Length..] : text);
        var room = IrcMessage.MaxBodyBytes - 2 - Encoding.UTF8.GetByteCount(head) - open.Length - close.Length;
        foreach (var piece in Pieces(body, Math.Max(room, 16)))
        {
            Line(output, $"{tags}{head}{open}{piece}{close}");
        }
    }

    // The message tags: the sender's account (account-tag), batch, server-time, and with message-tags its id and,
    // from a bot (+B), bot.
    private static string Tags(string? batch, bool time, bool msgid, DateTimeOffset timestamp, long id, bool bot = false, string? account = null)
    {
        var tags = new List<string>(5);
        if (account is not null)
        {
            tags.Add($"account={account}");
        }

        if (batch is not null)
        {
            tags.Add($"batch={batch}");
        }

        if (time)
        {
            tags.Add($"time={EventWriter.FormatTimestamp(timestamp)}");
        }

        if (msgid && id > 0)
        {
            tags.Add($"msgid={id}");
        }

        if (msgid && bot)
        {
            tags.Add("bot");
        }

        return tags.Count == 0 ? string.Empty : $"@{string.Join(';', tags)} ";
    }

    // Splits at whole characters so no piece passes maxBytes in UTF-8.
    private static IEnumerable<string> Pieces(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
        {
            yield return text;
            yield break;
        }

        var piece = new StringBuilder();
        var bytes = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > maxBytes)
            {
                yield return piece.ToString();
                piece.Clear();
                bytes = 0;
            }

            piece.Append(rune.ToString());
            bytes += rune.Utf8SequenceLength;
        }

        if (piece.Length > 0)
        {
            yield return piece.ToString();
        }
    }

    // labeled-response: the replies to a labelled line with its label: none is an ACK, one carries the label, more
    // come in a labeled-response batch (a batch among them, CHATHISTORY's, nested in it).
    public static void Labelled(IBufferWriter<byte> output, IrcState irc, string label, List<string> lines)
    {
        switch (lines)
        {
            case []:
                Line(output, $"@label={label} :{irc.ServerName} ACK");
                break;
            case [var one]:
                Line(output, Tagged(one, $"label={label}"));
                break;
            default:
                var batch = $"l{++irc.Batches}";
                Line(output, $"@label={label} :{irc.ServerName} BATCH +{batch} labeled-response");
                foreach (var line in lines)
                {
                    Line(output, InBatch(line) ? line : Tagged(line, $"batch={batch}"));
                }

                Line(output, $":{irc.ServerName} BATCH -{batch}");
                break;
        }
    }

    // True when the line's tags put it in a batch already.
    private static bool InBatch(string line) =>
        line.StartsWith('@') && line.IndexOf(' ') is var end and > 0 && line[1..end].Split(';').Any(tag => tag.StartsWith("batch=", StringComparison.Ordinal));

    // The line with one more tag, first.
    private static string Tagged(string line, string tag) => line.StartsWith('@') ? $"@{tag};{line[1..]}" : $"@{tag} {line}";

    private static void Line(IBufferWriter<byte> output, string line)
    {
        var span = output.GetSpan(Encoding.UTF8.GetMaxByteCount(line.Length) + 2);
        var written = Encoding.UTF8.GetBytes(line, span);
        span[written] = (byte)'\r';
        span[written + 1] = (byte)'\n';
        output.Advance(written + 2);
    }
}
