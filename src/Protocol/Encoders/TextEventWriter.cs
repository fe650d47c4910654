using System.Buffers;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Encoders;

/// <summary>The human-readable text mode.</summary>
public static class TextEventWriter
{
    /// <summary>Appends the text line for <paramref name="serverEvent"/>; an ack has none.</summary>
    public static void Write(ServerEvent serverEvent, IBufferWriter<byte> output)
    {
        var line = Format(serverEvent);
        if (line is null)
        {
            return;
        }

        var span = output.GetSpan(System.Text.Encoding.UTF8.GetMaxByteCount(line.Length) + 1);
        var written = System.Text.Encoding.UTF8.GetBytes(line, span);
        span[written] = (byte)'\n';
        output.Advance(written + 1);
    }

    /// <summary>
    /// The line for <paramref name="serverEvent"/> without its LF, or null when text mode shows nothing. Text mode is
    /// read by people (nc, telnet), so invisible and bidirectional characters in it are shown as <c>&lt;U+XXXX&gt;</c>.
    /// </summary>
    public static string? Format(ServerEvent serverEvent) => Line(serverEvent) is { } line ? InvisibleText.Reveal(line) : null;

    private static string? Line(ServerEvent serverEvent) => serverEvent switch
    {
        RoomMessageEvent { History: true } m => $"[history] {Said(m.From, m.Text, m.Notice)}",
        RoomMessageEvent { Own: true } m => Said("you", m.Text, m.Notice),
        RoomMessageEvent m => Said(m.From, m.Text, m.Notice),
        PrivateMessageEvent { History: true, Own: true } p => $"[history] [private] {Said($"you -> {p.To}", p.Text, p.Notice)}",
        PrivateMessageEvent { History: true } p => $"[history] [private] {Said(p.From, p.Text, p.Notice)}",
        PrivateMessageEvent { Own: true } p => $"[private] {Said($"you -> {p.To}", p.Text, p.Notice)}",
        PrivateMessageEvent p => $"[private] {Said(p.From, p.Text, p.Notice)}",
        AnnouncementEvent { History: true } a => $"[history] {ChatNames.Server}: {a.Text}",
        AnnouncementEvent a => $"{ChatNames.Server}: {a.Text}",
        PresenceEvent { Action: PresenceAction.Join } p => $"* {p.Nick} joined {p.Room}",
        PresenceEvent { Action: PresenceAction.Leave } p => $"* {p.Nick} left {p.Room}",
        PresenceEvent p => $"* {p.OldNick} is now known as {p.Nick}",
        ErrorEvent e => $"! error: {e.Message}",
        WelcomeEvent w => $"* welcome to SocketChat, {w.Nick}! You are in {w.Room}. Type /help for commands.",
        WhoEvent { Topic: { } topic } w => $"* {w.Heading}: {string.Join(", ", w.Nicks.Select(w.Shown))}; topic: {topic}",
        WhoEvent w => $"* {w.Heading}: {string.Join(", ", w.Nicks.Select(w.Shown))}",
        FoundEvent { Room: { } room } f => $"[found] #{room} {EventWriter.FormatTimestamp(f.Timestamp)} {Said(f.From, f.Text)} (id {f.Id})",
        FoundEvent f => $"[found] [private {f.From} -> {f.To}] {EventWriter.FormatTimestamp(f.Timestamp)} {Said(f.From, f.Text)} (id {f.Id})",
        WatchEvent w => $"* {(w.Online ? "online" : "offline")}: {string.Join(", ", w.Nicks)}",
        ReadEvent { Id: 0 } r => $"* nothing marked read in {r.Room}",
        ReadEvent r => $"* read up to {r.Id} in {r.Room} ({EventWriter.FormatTimestamp(r.Timestamp)})",
        SearchEndEvent s => $"* {s.Count} found for \"{s.Text}\"",
        TopicEvent { Text: { } text, SetBy: { } by } t => $"* topic of {t.Room}: {text} (set by {by})",
        TopicEvent { Text: { } text } t => $"* topic of {t.Room}: {text}",
        TopicEvent t => $"* {t.Room} has no topic",
        ModerationEvent { History: true } m => $"[history] {Moderation(m)}",
        ModerationEvent m => Moderation(m),
        InfoEvent i => $"* {i.Text}",
        ShutdownEvent s => $"* {s.Text}",
        PongEvent { Problem: { } problem } => $"* pong; unhealthy: {problem}",
        PongEvent => "* pong",
        NoticeEvent n => $"* {n.Text}",
        HistoryEndEvent h => $"* end of history ({h.Count} {(h.Count == 1 ? "message" : "messages")})",
        LoginRequiredEvent => "* this server needs an account: /login NAME PASSWORD",
        KeepAliveEvent k => $"* ping: send any line within {k.GraceSeconds} s to stay connected",
        AckEvent => null,
        _ => throw new ArgumentOutOfRangeException(nameof(serverEvent), serverEvent.GetType().Name, "unknown event"),
    };

    /// <summary>What a moderation action says in text mode, without the history mark.</summary>
    public static string Moderation(ModerationEvent m)
    {
        var where = m.Room ?? "this server";
        var inWhere = m.Room is null ? "on this server" : $"in {m.Room}";
        var until = m.Expires is { } expires ? $" until {EventWriter.FormatTimestamp(expires)}" : string.Empty;
        var reason = string.IsNullOrEmpty(m.Text) ? string.Empty : $": {m.Text}";
        return m.Action switch
        {
            ModerationActions.Topic when string.IsNullOrEmpty(m.Text) => $"* {m.By} cleared the topic of {where}",
            ModerationActions.Topic => $"* {m.By} set the topic of {where}: {m.Text}",
            ModerationActions.Kick => $"* {m.Target} was kicked from {where} by {m.By}{reason}",
            ModerationActions.Ban => $"* {m.By} banned {m.Target} from {where}{until}",
            ModerationActions.Unban => $"* {m.By} lifted the ban on {m.Target} {inWhere}",
            ModerationActions.Mute => $"* {m.By} muted {m.Target} {inWhere}{until}",
            ModerationActions.Unmute => $"* {m.By} unmuted {m.Target} {inWhere}",
            ModerationActions.Op => $"* {m.By} made {m.Target} an operator of {where}",
            ModerationActions.Deop => $"* {m.By} took operator from {m.Target} in {where}",
            ModerationActions.Voice => $"* {m.By} gave {m.Target} a voice in {where}",
            ModerationActions.Devoice => $"* {m.By} took the voice of {m.Target} in {where}",
            ModerationActions.Owner when m.By == m.Target => $"* {m.Target} owns {where}",
            ModerationActions.Owner => $"* {m.By} made {m.Target} an owner of {where}",
            ModerationActions.Disown => $"* {m.By} took ownership of {where} from {m.Target}",
            ModerationActions.Mode => $"* {m.By} set mode {m.Text} on {where}",
            ModerationActions.Invite => $"* {m.By} invited {m.Target} to {where}",
            ModerationActions.Kill => $"* {m.Target} was disconnected by {m.By}{reason}",
            ModerationActions.Wallops => $"* wallops from {m.By}: {m.Text}",
            _ => $"* {m.By}: {m.Action} {m.Target} {m.Text}".TrimEnd(),
        };
    }

    /// <summary>A text that starts with <c>/me </c> is an action (IRC's CTCP ACTION, <c>/me</c> in our client).</summary>
    public const string ActionPrefix = "/me ";

    private static string Said(string from, string text, bool notice = false) =>
        notice ? $"-{from}- {text}"
        : text.StartsWith(ActionPrefix, StringComparison.Ordinal) ? $"* {from} {text[ActionPrefix.Length..]}" : $"{from}: {text}";
}
