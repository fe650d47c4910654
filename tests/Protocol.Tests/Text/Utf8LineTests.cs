using System.Buffers;
using System.Text;
using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Tests.Text;

public sealed class Utf8LineTests
{
    [Fact]
    public void TryDecode_CharacterSplitAcrossSegments_Decodes()
    {
        var bytes = Encoding.UTF8.GetBytes("€ and 😀");
        var line = Segments.Create(bytes[..1], bytes[1..2], bytes[2..9], bytes[9..]);

        Assert.True(Utf8Line.TryDecode(line, out var text));
        Assert.Equal("€ and 😀", text);
    }

    [Theory]
    [InlineData(new byte[] { 0xff, 0x41 })]
    [InlineData(new byte[] { 0x41, 0xc3 })]
    [InlineData(new byte[] { 0xc0, 0xaf })]
    [InlineData(new byte[] { 0xed, 0xa0, 0x80 })]
    public void TryDecode_InvalidUtf8_ReturnsFalse(byte[] bytes)
    {
        Assert.False(Utf8Line.TryDecode(new ReadOnlySequence<byte>(bytes), out _));
    }
}
