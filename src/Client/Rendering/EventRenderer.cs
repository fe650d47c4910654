using SocketChat.Hosting.Terminal;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;

namespace SocketChat.Client.Rendering;

// Turns server events into the lines the user sees. Everything a peer chose (names, text) is neutralised first;
// colour is added only when the output is a terminal.
internal sealed class EventRenderer(bool colour)
{
    private const string Reset = "\u001b[0m";
    private const string Dim = "\u001b[2m";
    private const string Red = "\u001b[31m";
    private const string Yellow = "\u001b[33m";
    private const string Magenta = "\u001b[35m";
    private const string Cyan = "\u001b[36m";
    private const string Bold = "\u001b[1m";

    // The line for serverEvent, or null when it is not shown (acks, welcomes).
    public string? Render(ServerEvent serverEvent) => serverEvent switch
    {
        RoomMessageEvent { History: true } m => Style(Dim, $"[history] {Said(Safe(m.From), m.Text)}"),
        RoomMessageEvent { Own: true } m => $"{Style(Bold, "you")}: {Safe(m.Text)}",
        RoomMessageEvent m when IsAction(m.Text) => Said(Style(Bold, Safe(m.From)), m.Text),
        RoomMessageEvent m => $"{Style(Bold, Safe(m.From))}: {Safe(m.Text)}",
        PrivateMessageEvent { Own: true } p => Style(Magenta, $"[private] you -> {Safe(p.To)}: {Safe(p.Text)}"),
        PrivateMessageEvent p => Style(Magenta, $"[private] {Said(Safe(p.From), p.Text)}"),
        AnnouncementEvent { History: true } a => Style(Dim, $"[history] server: {Safe(a.Text)}"),
        AnnouncementEvent a => Style(Yellow, $"server: {Safe(a.Text)}"),
        PresenceEvent { Action: PresenceAction.Join } p => Style(Dim, $"* {Safe(p.Nick)} joined {Safe(p.Room)}"),
        PresenceEvent { Action: PresenceAction.Leave } p => Style(Dim, $"* {Safe(p.Nick)} left {Safe(p.Room)}"),
        PresenceEvent p => Style(Dim, $"* {Safe(p.OldNick ?? "?")} is now known as {Safe(p.Nick)}"),
        ErrorEvent e => Error(Safe(e.Message)),
        WhoEvent w => Style(Cyan, $"* {Safe(w.Heading)}: {string.Join(", ", w.Nicks.Select(Safe))}"),
        InfoEvent i => Style(Cyan, $"* {Safe(i.Text)}"),
        ShutdownEvent s => Style(Yellow, $"* {Safe(s.Text)}"),
        NoticeEvent n => Style(Yellow, $"* {Safe(n.Text)}"),
        FoundEvent or SearchEndEvent or TopicEvent or ModerationEvent or ReadEvent => TextEventWriter.Format(serverEvent) is { } line ? Style(Cyan, Safe(line)) : null,
        HistoryEndEvent h => Style(Dim, $"* end of history ({h.Count} {(h.Count == 1 ? "message" : "messages")})"),
        _ => null,
    };

    // A notice from the client itself (connection state).
    public string Notice(string text) => Style(Cyan, $"* {text}");

    public string Error(string text) => Style(Red, $"! error: {text}");

    public string Warning(string text) => Style(Yellow, $"! warning: {text}");

    private static string Safe(string text) => TerminalText.Neutralize(text);

    private static bool IsAction(string text) => text.StartsWith(TextEventWriter.ActionPrefix, StringComparison.Ordinal);

    // "/me waves" from alice is shown as "* alice waves", as IRC clients show an action.
    private static string Said(string from, string text) =>
        IsAction(text) ? $"* {from} {Safe(text[TextEventWriter.ActionPrefix.Length..])}" : $"{from}: {Safe(text)}";

    private string Style(string code, string text) => colour ? code + text + Reset : text;
}
