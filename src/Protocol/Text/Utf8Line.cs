using System.Buffers;
using System.Text;

namespace SocketChat.Protocol.Text;

/// <summary>Strict UTF-8 decoding of framed lines.</summary>
public static class Utf8Line
{
    private static readonly UTF8Encoding Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Decodes <paramref name="line"/>; false when it is not valid UTF-8.</summary>
    public static bool TryDecode(in ReadOnlySequence<byte> line, out string text)
    {
        try
        {
            text = Strict.GetString(line);
            return true;
        }
        catch (DecoderFallbackException)
        {
            text = string.Empty;
            return false;
        }
    }
}
