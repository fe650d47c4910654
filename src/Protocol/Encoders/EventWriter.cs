using System.Buffers;
using System.Globalization;
using SocketChat.Protocol.Events;

namespace SocketChat.Protocol.Encoders;

/// <summary>Encodes server events as LF-terminated lines in either wire mode.</summary>
public static class EventWriter
{
    /// <summary>Appends <paramref name="serverEvent"/> to <paramref name="output"/> as one line (none for an ack in text mode).</summary>
    public static void Write(ServerEvent serverEvent, WireMode mode, IBufferWriter<byte> output)
    {
        if (mode == WireMode.Json)
        {
            JsonEventWriter.Write(serverEvent, output);
        }
        else
        {
            TextEventWriter.Write(serverEvent, output);
        }
    }

    /// <summary>Encodes <paramref name="serverEvent"/> into a new array.</summary>
    public static byte[] Encode(ServerEvent serverEvent, WireMode mode)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        Write(serverEvent, mode, buffer);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The timestamp format on the wire: ISO 8601 UTC with milliseconds.</summary>
    public static string FormatTimestamp(DateTimeOffset timestamp) =>
        timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
