using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using SocketChat.Protocol.Framing;

namespace SocketChat.Protocol.Tests.Framing;

public sealed class LineFramerTests
{
    [Fact]
    public async Task TryReadLine_ManyLinesInOneRead_ReturnsEachLine()
    {
        var frames = await FrameAsync(64, "one\ntwo\nthree\n");

        Assert.Equal(["one", "two", "three"], frames);
    }

    [Fact]
    public async Task TryReadLine_LineSplitAcrossReads_ReturnsWholeLine()
    {
        var frames = await FrameAsync(64, "hel", "lo wo", "rld\nnext", "\n");

        Assert.Equal(["hello world", "next"], frames);
    }

    [Fact]
    public async Task TryReadLine_CrLf_StripsCarriageReturn()
    {
        var frames = await FrameAsync(64, "dos line\r\n", "split\r", "\n");

        Assert.Equal(["dos line", "split"], frames);
    }

    [Fact]
    public async Task TryReadLine_MultiByteCharacterSplitAcrossReads_KeepsAllBytes()
    {
        var bytes = Encoding.UTF8.GetBytes("grüße 😀\n");
        var frames = await FrameAsync(64, bytes[..3], bytes[3..10], bytes[10..]);

        Assert.Equal(["grüße 😀"], frames);
    }

    [Fact]
    public void TryReadLine_MultiSegmentSequence_FindsLineAcrossSegments()
    {
        var buffer = Segments.Create("ab", "c\nd", "ef\n");
        var framer = new LineFramer(64);

        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref buffer, out var first));
        Assert.Equal("abc", Encoding.UTF8.GetString(first));
        Assert.Equal(FrameStatus.Line, framer.TryReadLine(ref buffer, out var second));
        Assert.Equal("def", Encoding.UTF8.GetString(second));
        Assert.Equal(FrameStatus.Incomplete, framer.TryReadLine(ref buffer, out _));
    }

    [Fact]
    public async Task TryReadLine_LineAtLimit_IsAccepted()
    {
        var line = new string('x', 16);

        var frames = await FrameAsync(16, line + "\r\n");

        Assert.Equal([line], frames);
    }

    [Fact]
    public async Task TryReadLine_LineOverLimitInOneRead_ReportsTooLongOnceAndGoesOn()
    {
        var frames = await FrameAsync(16, new string('x', 17) + "\nafter\n");

        Assert.Equal(["<too long>", "after"], frames);
    }

    [Fact]
    public async Task TryReadLine_OverLongLineArrivingInPieces_DiscardedUpToNextLf()
    {
        var chunk = new string('y', 10);

        var frames = await FrameAsync(16, chunk, chunk, chunk, chunk, "tail\nok\n");

        Assert.Equal(["<too long>", "ok"], frames);
    }

    [Fact]
    public async Task TryReadLine_EmptyLine_IsReturnedEmpty()
    {
        var frames = await FrameAsync(16, "\n\r\nx\n");

        Assert.Equal(["", "", "x"], frames);
    }

    // Feeds the chunks through a real Pipe, one flush each, and frames as the server does.
    private static Task<List<string>> FrameAsync(int maxLineBytes, params string[] chunks) =>
        FrameAsync(maxLineBytes, chunks.Select(Encoding.UTF8.GetBytes).ToArray());

    private static async Task<List<string>> FrameAsync(int maxLineBytes, params byte[][] chunks)
    {
        var pipe = new Pipe();
        var framer = new LineFramer(maxLineBytes);
        var frames = new List<string>();
        foreach (var chunk in chunks)
        {
            await pipe.Writer.WriteAsync(chunk);
            var result = await pipe.Reader.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
            var buffer = result.Buffer;
            while (framer.TryReadLine(ref buffer, out var line) is var status && status != FrameStatus.Incomplete)
            {
                frames.Add(status == FrameStatus.TooLong ? "<too long>" : Encoding.UTF8.GetString(line));
            }

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        return frames;
    }
}
