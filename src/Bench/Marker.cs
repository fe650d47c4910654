using System.Buffers.Text;
using System.Text;

namespace SocketChat.Bench;

// What each benchmark line carries: #B:SENDER:SEQ:TICKS#, padded to the line size. Receivers find it
// anywhere in a line, so any line-based chat server's plain-text mode works (ncat prefixes <userN>, ours NICK: ).
internal static class Marker
{
    private static readonly byte[] Start = "#B:"u8.ToArray();

    public static byte[] Line(int sender, int sequence, long ticks, int size)
    {
        var marker = $"#B:{sender}:{sequence}:{ticks}#";
        var line = new byte[Math.Max(size, marker.Length) + 1];
        Encoding.ASCII.GetBytes(marker, line);
        line.AsSpan(marker.Length, line.Length - marker.Length - 1).Fill((byte)'x');
        line[^1] = (byte)'\n';
        return line;
    }

    public static bool TryRead(ReadOnlySpan<byte> line, out int sender, out int sequence, out long ticks)
    {
        sender = sequence = 0;
        ticks = 0;
        var at = line.IndexOf(Start);
        if (at < 0)
        {
            return false;
        }

        var rest = line[(at + Start.Length)..];
        return Utf8Parser.TryParse(rest, out sender, out var used) && rest.Length > used && rest[used] == ':'
            && Utf8Parser.TryParse(rest = rest[(used + 1)..], out sequence, out used) && rest.Length > used && rest[used] == ':'
            && Utf8Parser.TryParse(rest = rest[(used + 1)..], out ticks, out used) && rest.Length > used && rest[used] == '#';
    }
}
