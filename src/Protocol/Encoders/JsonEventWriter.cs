using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Encoders;

/// <summary>The JSON mode: one object per line with a <c>type</c> field.</summary>
public static class JsonEventWriter
{
    // Relaxed escaping keeps non-ASCII text readable in logs and jq; the output never lands in HTML.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Appends the JSON line for <paramref name="serverEvent"/>.</summary>
    public static void Write(ServerEvent serverEvent, IBufferWriter<byte> output)
    {
        using (var json = new Utf8JsonWriter(output, Options))
        {
            json.WriteStartObject();
            WriteFields(json, serverEvent);
            json.WriteEndObject();
        }

        output.GetSpan(1)[0] = (byte)'\n';
        output.Advance(1);
    }

    private static void WriteFields(Utf8JsonWriter json, ServerEvent serverEvent)
    {
        switch (serverEvent)
        {
            case RoomMessageEvent m:
                Header(json, "message", m.Id, m.Timestamp);
                json.WriteString("room", m.Room);
                json.WriteString("from", m.From);
                json.WriteString("text", m.Text);
                if (m.History)
                {
                    json.WriteBoolean("history", true);
                }

                if (m.Notice)
                {
                    json.WriteBoolean("notice", true);
                }

                if (m.Own)
                {
                    json.WriteBoolean("own", true);
                }

                break;
            case PrivateMessageEvent p:
                Header(json, "private", p.Id, p.Timestamp);
                json.WriteString("from", p.From);
                json.WriteString("to", p.To);
                json.WriteString("text", p.Text);
                if (p.Notice)
                {
                    json.WriteBoolean("notice", true);
                }

                if (p.Own)
                {
                    json.WriteBoolean("own", true);
                }

                if (p.History)
                {
                    json.WriteBoolean("history", true);
                }

                break;
            case AnnouncementEvent a:
                Header(json, "announce", a.Id, a.Timestamp);
                json.WriteString("from", ChatNames.Server);
                json.WriteString("text", a.Text);
                if (a.History)
                {
                    json.WriteBoolean("history", true);
                }

                break;
            case PresenceEvent p:
                json.WriteString("type", "presence");
                json.WriteString("ts", EventWriter.FormatTimestamp(p.Timestamp));
                json.WriteString("room", p.Room);
                json.WriteString("nick", p.Nick);
                json.WriteString("action", p.Action switch
                {
                    PresenceAction.Join => "join",
                    PresenceAction.Leave => "leave",
                    _ => "rename",
                });
                if (p.OldNick is not null)
                {
                    json.WriteString("old", p.OldNick);
                }

                if (p.Device)
                {
                    json.WriteBoolean("device", true);
                }

                break;
            case AckEvent a:
                json.WriteString("type", "ack");
                Cid(json, a.Cid);
                json.WriteNumber("id", a.Id);
                json.WriteString("ts", EventWriter.FormatTimestamp(a.Timestamp));
                break;
            case ErrorEvent e:
                json.WriteString("type", "error");
                json.WriteString("code", e.Code);
                json.WriteString("message", e.Message);
                Cid(json, e.Cid);
                break;
            case WelcomeEvent w:
                json.WriteString("type", "welcome");
                json.WriteString("nick", w.Nick);
                json.WriteString("room", w.Room);
                json.WriteNumber("protocol", 1);
                if (w.Token is not null)
                {
                    json.WriteString("token", w.Token);
                }

                if (w.Resumed)
                {
                    json.WriteBoolean("resumed", true);
                }

                if (w.Rate is { } rate)
                {
                    json.WriteStartObject("rate");
                    json.WriteNumber("per_second", rate.PerSecond);
                    json.WriteNumber("burst", rate.Burst);
                    json.WriteEndObject();
                }

                break;
            case WhoEvent w:
                json.WriteString("type", "who");
                json.WriteString("room", w.Room);
                Strings(json, "nicks", w.Nicks);
                if (w.Roles is { Count: > 0 } roles)
                {
                    json.WriteStartObject("roles");
                    foreach (var (nick, role) in roles)
                    {
                        json.WriteString(nick, role);
                    }

                    json.WriteEndObject();
                }

                if (w.Topic is not null)
                {
                    json.WriteString("topic", w.Topic);
                }

                if (w.Total > 0)
                {
                    json.WriteNumber("total", w.Total);
                    json.WriteNumber("page", w.Page);
                }

                Cid(json, w.Cid);
                break;
            case FoundEvent f:
                Header(json, "found", f.Id, f.Timestamp);
                if (f.Room is not null)
                {
                    json.WriteString("room", f.Room);
                }

                json.WriteString("from", f.From);
                if (f.To is not null)
                {
                    json.WriteString("to", f.To);
                }

                json.WriteString("text", f.Text);
                Cid(json, f.Cid);
                break;
            case WatchEvent w:
                json.WriteString("type", "watch");
                Strings(json, "nicks", w.Nicks);
                json.WriteBoolean("online", w.Online);
                break;
            case ReadEvent r:
                json.WriteString("type", "read");
                json.WriteString("room", r.Room);
                json.WriteNumber("id", r.Id);
                json.WriteString("ts", EventWriter.FormatTimestamp(r.Timestamp));
                Cid(json, r.Cid);
                break;
            case SearchEndEvent s:
                json.WriteString("type", "search_end");
                json.WriteString("text", s.Text);
                json.WriteNumber("count", s.Count);
                Cid(json, s.Cid);
                break;
            case TopicEvent t:
                json.WriteString("type", "topic");
                json.WriteString("room", t.Room);
                if (t.Text is not null)
                {
                    json.WriteString("text", t.Text);
                }

                if (t.SetBy is not null)
                {
                    json.WriteString("by", t.SetBy);
                }

                if (t.SetAt is { } at)
                {
                    json.WriteString("set_at", EventWriter.FormatTimestamp(at));
                }

                Cid(json, t.Cid);
                break;
            case ModerationEvent m:
                Header(json, "moderation", m.Id, m.Timestamp);
                if (m.Room is not null)
                {
                    json.WriteString("room", m.Room);
                }

                json.WriteString("by", m.By);
                json.WriteString("action", m.Action);
                if (m.Target is not null)
                {
                    json.WriteString("target", m.Target);
                }

                if (m.Text is not null)
                {
                    json.WriteString("text", m.Text);
                }

                if (m.Expires is { } expires)
                {
                    json.WriteString("expires", EventWriter.FormatTimestamp(expires));
                }

                if (m.History)
                {
                    json.WriteBoolean("history", true);
                }

                break;
            case InfoEvent i:
                json.WriteString("type", "info");
                json.WriteString("text", i.Text);
                Cid(json, i.Cid);
                break;
            case KeepAliveEvent k:
                json.WriteString("type", "ping");
                json.WriteNumber("grace", k.GraceSeconds);
                break;
            case PongEvent p:
                json.WriteString("type", "pong");
                if (p.Problem is not null)
                {
                    json.WriteString("problem", p.Problem);
                }

                Cid(json, p.Cid);
                break;
            case NoticeEvent n:
                json.WriteString("type", "notice");
                json.WriteString("code", n.Code);
                json.WriteString("text", n.Text);
                break;
            case HistoryEndEvent h:
                json.WriteString("type", "history_end");
                json.WriteString("room", h.Room);
                json.WriteNumber("count", h.Count);
                Cid(json, h.Cid);
                break;
            case LoginRequiredEvent:
                json.WriteString("type", "login_required");
                break;
            case ShutdownEvent s:
                json.WriteString("type", "shutdown");
                json.WriteString("text", s.Text);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(serverEvent), serverEvent.GetType().Name, "unknown event");
        }
    }

    private static void Header(Utf8JsonWriter json, string type, long id, DateTimeOffset timestamp)
    {
        json.WriteString("type", type);
        json.WriteNumber("id", id);
        json.WriteString("ts", EventWriter.FormatTimestamp(timestamp));
    }

    private static void Strings(Utf8JsonWriter json, string name, IEnumerable<string> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    private static void Cid(Utf8JsonWriter json, string? cid)
    {
        if (cid is not null)
        {
            json.WriteString("cid", cid);
        }
    }
}
