using System.Buffers;
using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using SocketChat.Server.Transports;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Transports;

/// <summary>
/// The WebSocket transport alone, over a real loopback socket with no host: a message is one line, read whole; an
/// event written is one message. Nothing is framed a second time.
/// </summary>
public sealed class WebSocketTransportTests
{
    [Fact]
    public async Task AMessage_IsOneLine_ReadWhole_ANewlineInItASpace_ThenTheNext()
    {
        await using var pair = await Pair.OpenAsync();
        await pair.SendAsync("{\"a\":\n1}");
        await pair.SendAsync("two");

        Assert.Equal("{\"a\": 1}", await pair.ReadLineAsync());
        Assert.Equal("two", await pair.ReadLineAsync());
    }

    [Fact]
    public async Task AMessageInSeveralFrames_IsStillOneLine_ATooLongOne_CutOneBytePastTheLimit()
    {
        await using var pair = await Pair.OpenAsync();
        await pair.Browser.SendAsync(Encoding.UTF8.GetBytes("hel"), WebSocketMessageType.Text, endOfMessage: false, CancellationToken.None);
        await pair.Browser.SendAsync(Encoding.UTF8.GetBytes("lo"), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);
        await pair.SendAsync(new string('x', 40));
        await pair.SendAsync("after");

        Assert.Equal("hello", await pair.ReadLineAsync());
        Assert.Equal(new string('x', 17), await pair.ReadLineAsync());
        Assert.Equal("after", await pair.ReadLineAsync());
    }

    [Fact]
    public async Task AThrottledLine_LeftUnconsumed_IsReadAgain()
    {
        await using var pair = await Pair.OpenAsync();
        await pair.SendAsync("held");

        var first = await pair.Transport.Input.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        pair.Transport.Input.AdvanceTo(first.Buffer.Start, first.Buffer.Start);

        Assert.Equal("held", await pair.ReadLineAsync());
    }

    [Fact]
    public async Task EachEventWritten_IsOneMessage_WithoutItsLineEnd()
    {
        await using var pair = await Pair.OpenAsync();
        pair.Transport.Output.Write("{\"type\":\"one\"}\n"u8);
        pair.Transport.EndOfMessage();
        pair.Transport.Output.Write(":irc line\r\n"u8);
        pair.Transport.EndOfMessage();
        await pair.Transport.Output.FlushAsync();

        Assert.Equal("{\"type\":\"one\"}", await pair.ReceiveAsync());
        Assert.Equal(":irc line", await pair.ReceiveAsync());
    }

    // A browser's end and the server's transport over one loopback connection.
    private sealed class Pair : IAsyncDisposable
    {
        private Pair(WebSocket browser, WebSocketTransport transport) => (Browser, Transport) = (browser, transport);

        public WebSocket Browser { get; }

        public WebSocketTransport Transport { get; }

        public static async Task<Pair> OpenAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen();
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(listener.LocalEndPoint!).WaitAsync(TestTimeouts.Default);
            var serverSide = await listener.AcceptAsync().WaitAsync(TestTimeouts.Default);
            var browser = WebSocket.CreateFromStream(new NetworkStream(client, ownsSocket: true), isServer: false, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
            var server = WebSocket.CreateFromStream(new NetworkStream(serverSide, ownsSocket: true), isServer: true, subProtocol: null, keepAliveInterval: Timeout.InfiniteTimeSpan);
            return new Pair(browser, new WebSocketTransport(server, maxLineBytes: 16));
        }

        public Task SendAsync(string text) =>
            Browser.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None);

        public async Task<string> ReadLineAsync()
        {
            var result = await Transport.Input.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
            var line = Encoding.UTF8.GetString(result.Buffer);
            Transport.Input.AdvanceTo(result.Buffer.End);
            return line;
        }

        public async Task<string> ReceiveAsync()
        {
            var buffer = new byte[256];
            var result = await Browser.ReceiveAsync(buffer, CancellationToken.None).WaitAsync(TestTimeouts.Default);
            Assert.True(result.EndOfMessage);
            return Encoding.UTF8.GetString(buffer, 0, result.Count);
        }

        public async ValueTask DisposeAsync()
        {
            await Transport.DisposeAsync();
            Browser.Dispose();
        }
    }
}
