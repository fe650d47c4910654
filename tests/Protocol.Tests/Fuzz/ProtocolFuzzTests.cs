using System.Buffers;
using System.IO.Pipelines;
using System.Reflection;
using CsCheck;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Framing;
using SocketChat.Protocol.Text;

namespace SocketChat.Protocol.Tests.Fuzz;

// Random bytes, random splits: the framing and both parsers never throw and answer every bad line with a known error.
public sealed class ProtocolFuzzTests
{
    private const int MaxLineBytes = 64;

    private static readonly HashSet<string> KnownCodes = typeof(ErrorCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(field => (string)field.GetValue(null)!)
        .ToHashSet();

    // Mostly printable text with newlines, slashes, braces, CRs and arbitrary bytes mixed in.
    private static readonly Gen<byte[]> Input = Gen.Frequency(
        (8, Gen.Byte[0x20, 0x7e]),
        (2, Gen.Const((byte)'\n')),
        (1, Gen.Const((byte)'\r')),
        (1, Gen.Const((byte)'/')),
        (1, Gen.Const((byte)'{')),
        (2, Gen.Byte)).Array[0, 400];

    private static readonly Gen<int[]> Splits = Gen.Int[1, 50].Array[1, 30];

    // The inside of a JSON string: plain characters mixed with escapes of every kind, \u of any value among them (a
    // surrogate half alone, in a pair, the pair reversed), the short escapes, and escapes that are broken.
    private static readonly Gen<string> JsonStringBody = Gen.Frequency(
        (6, Gen.Char['a', 'z'].Select(c => c.ToString())),
        (2, Gen.Int[0, 0xFFFF].Select(u => $"\\u{u:x4}")),
        (2, Gen.Int[0xD800, 0xDFFF].Select(u => $"\\u{u:X4}")),
        (1, Gen.Select(Gen.Int[0xD800, 0xDBFF], Gen.Int[0xDC00, 0xDFFF], (high, low) => $"\\u{high:x4}\\u{low:x4}")),
        (1, Gen.Select(Gen.Int[0xD800, 0xDBFF], Gen.Int[0xDC00, 0xDFFF], (high, low) => $"\\u{low:x4}\\u{high:x4}")),
        (1, Gen.OneOf("\\n", "\\\"", "\\\\", "\\/", "\\t", "\\u0000", "\\u001b[2J", "\\x", "\\u12", "\\", "é", "😀", "\u202e")))
        .Array[0, 12].Select(string.Concat);

    private static readonly Gen<string> JsonValue = Gen.Frequency(
        (6, JsonStringBody.Select(body => $"\"{body}\"")),
        (1, Gen.Int[-5, 600].Select(number => number.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("null", "true", "[]", "{}", "1.5", "[\"\\ud800\"]", "{\"text\":\"\\udc00\"}")));

    private static readonly Gen<string> JsonKey = Gen.Frequency(
        (8, Gen.OneOf("type", "cid", "text", "to", "nick", "room", "name", "password", "page", "limit", "before", "after")),
        (1, JsonStringBody));

    // Objects built from the protocol's own types and keys, so the parser gets past the outer checks to every field.
    private static readonly Gen<string> JsonLine = Gen.Select(
        Gen.Frequency(
            (8, Gen.OneOf("message", "private", "nick", "join", "who", "help", "ping", "quit", "history", "login")),
            (1, JsonStringBody)),
        Gen.Select(JsonKey, JsonValue, (key, value) => $",\"{key}\":{value}").Array[0, 6],
        (type, fields) => $"{{\"type\":\"{type}\"{string.Concat(fields)}}}");

    [Fact]
    public void Framing_AnySplitOfTheSameBytes_SameFrames()
    {
        Gen.Select(Input, Splits).Sample((bytes, splits) =>
        {
            Assert.Equal(Frame(bytes, [bytes.Length]), Frame(bytes, splits));
        }, iter: 3000);
    }

    [Fact]
    public void Parsing_AnyFrame_NeverThrowsAndEveryRejectionHasAKnownCode()
    {
        Gen.Select(Input, Splits).Sample((bytes, splits) =>
        {
            foreach (var frame in Frame(bytes, splits))
            {
                if (frame is not byte[] line || !Utf8Line.TryDecode(new ReadOnlySequence<byte>(line), out var text))
                {
                    continue;
                }

                foreach (var command in new[] { TextCommandParser.Parse(TextSanitizer.RemoveControlCharacters(text)), JsonCommandParser.Parse(text) })
                {
                    if (command is InvalidCommand invalid)
                    {
                        Assert.Contains(invalid.Code, KnownCodes);
                        Assert.False(string.IsNullOrWhiteSpace(invalid.Message));
                    }

                    if (command is SayCommand say)
                    {
                        Assert.DoesNotContain(TextSanitizer.RemoveControlCharacters(say.Text), c => c != '\t' && char.IsControl(c));
                    }
                }
            }
        }, iter: 3000);
    }

    [Fact]
    public void JsonParsing_ObjectsWithEscapesOfEveryKind_NeverThrowAndEveryStringParsedIsText()
    {
        var strict = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true);
        JsonLine.Sample(line =>
        {
            var command = JsonCommandParser.Parse(line);
            if (command is InvalidCommand invalid)
            {
                Assert.Contains(invalid.Code, KnownCodes);
                Assert.False(string.IsNullOrWhiteSpace(invalid.Message));
            }

            // Whatever the parser hands on is text: no lone surrogate survives into a command.
            foreach (var property in command?.GetType().GetProperties().Where(property => property.PropertyType == typeof(string)) ?? [])
            {
                if (property.GetValue(command) is string value)
                {
                    _ = strict.GetByteCount(value);
                }
            }
        }, iter: 20_000);
    }

    // Feeds the bytes through a pipe in chunks of the given sizes (cycled) and frames as the server does.
    // A frame is the line's bytes, or null for a line that was too long.
    private static List<byte[]?> Frame(byte[] bytes, int[] splits)
    {
        var pipe = new Pipe();
        var framer = new LineFramer(MaxLineBytes);
        var frames = new List<byte[]?>();
        var offset = 0;
        var split = 0;
        while (offset < bytes.Length)
        {
            var size = Math.Min(splits[split++ % splits.Length], bytes.Length - offset);
            pipe.Writer.Write(bytes.AsSpan(offset, size));
            pipe.Writer.FlushAsync().AsTask().GetAwaiter().GetResult();
            offset += size;
            var result = pipe.Reader.ReadAsync().AsTask().GetAwaiter().GetResult();
            var buffer = result.Buffer;
            while (framer.TryReadLine(ref buffer, out var line) is var status && status != FrameStatus.Incomplete)
            {
                frames.Add(status == FrameStatus.TooLong ? null : line.ToArray());
            }

            pipe.Reader.AdvanceTo(buffer.Start, buffer.End);
        }

        return frames;
    }
}
