using System.Buffers;
using System.Text;

namespace SocketChat.Protocol.Tests;

// Builds multi-segment sequences, as a pipe hands them over when data spans buffers.
internal static class Segments
{
    public static ReadOnlySequence<byte> Create(params string[] parts) => Create(parts.Select(Encoding.UTF8.GetBytes).ToArray());

    public static ReadOnlySequence<byte> Create(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
