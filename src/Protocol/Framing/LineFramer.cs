using System.Buffers;

namespace SocketChat.Protocol.Framing;

/// <summary>
/// Splits a byte stream into LF-terminated lines (CRLF accepted) with a per-line byte limit.
/// One instance per connection: it remembers when it is discarding the rest of an over-long line.
/// </summary>
/// <param name="maxLineBytes">The longest line accepted, in bytes, not counting CR/LF.</param>
public sealed class LineFramer(int maxLineBytes)
{
    private bool _discarding;

    /// <summary>The longest line accepted, in bytes, not counting the terminator.</summary>
    public int MaxLineBytes { get; } = maxLineBytes > 0
        ? maxLineBytes
        : throw new ArgumentOutOfRangeException(nameof(maxLineBytes), maxLineBytes, "must be positive");

    /// <summary>
    /// Reads the next line from <paramref name="buffer"/>, slicing off what it consumed.
    /// Returns <see cref="FrameStatus.TooLong"/> once per over-long line, with <paramref name="line"/> its start (what
    /// had arrived of it, at least the limit), so a protocol can tell what it was; its remaining bytes are skipped silently.
    /// </summary>
    public FrameStatus TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        line = default;
        while (true)
        {
            var newline = buffer.PositionOf((byte)'\n');
            if (_discarding)
            {
                if (newline is null)
                {
                    buffer = buffer.Slice(buffer.End);
                    return FrameStatus.Incomplete;
                }

                buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                _discarding = false;
                continue;
            }

            if (newline is null)
            {
                // An unterminated line may still end in CR, which does not count against the limit.
                if (buffer.Length <= MaxLineBytes + 1)
                {
                    return FrameStatus.Incomplete;
                }

                line = buffer;
                buffer = buffer.Slice(buffer.End);
                _discarding = true;
                return FrameStatus.TooLong;
            }

            var candidate = buffer.Slice(0, newline.Value);
            buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
            if (candidate.Length > 0 && EndsWithCarriageReturn(candidate))
            {
                candidate = candidate.Slice(0, candidate.Length - 1);
            }

            if (candidate.Length > MaxLineBytes)
            {
                line = candidate;
                return FrameStatus.TooLong;
            }

            line = candidate;
            return FrameStatus.Line;
        }
    }

    private static bool EndsWithCarriageReturn(in ReadOnlySequence<byte> candidate)
    {
        var last = candidate.Slice(candidate.Length - 1);
        return last.FirstSpan[0] == (byte)'\r';
    }
}
