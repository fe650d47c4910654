using Microsoft.Extensions.DependencyInjection;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Web;

// The web port without a browser: its page and headers, and /ws as a JSON-mode connection.
public sealed class WebSocketTests
{
    private static Task<TestServer> StartAsync(Dictionary<string, string?>? more = null) =>
        TestServer.StartAsync(new() { ["Chat:Web:Port"] = "0" }, more);

    [Fact]
    public async Task Page_ServedWithItsTypesAndAPolicyAllowingOnlyItself_UnknownPaths404()
    {
        await using var server = await StartAsync();
        using var http = new HttpClient { BaseAddress = server.WebUrl, Timeout = TestTimeouts.Default };

        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html; charset=utf-8", page.Content.Headers.ContentType!.ToString());
        Assert.Equal(
            "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            Assert.Single(page.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(page.Headers.GetValues("X-Content-Type-Options")));
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<script src=\"app.js\" defer></script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
        Assert.DoesNotContain(" style=", html, StringComparison.Ordinal);

        using var script = await http.GetAsync(new Uri("/app.js", UriKind.Relative));
        Assert.Equal("text/javascript; charset=utf-8", script.Content.Headers.ContentType!.ToString());
        using var style = await http.GetAsync(new Uri("/style.css", UriKind.Relative));
        Assert.Equal("text/css; charset=utf-8", style.Content.Headers.ContentType!.ToString());
        using var missing = await http.GetAsync(new Uri("/nothing.html", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, missing.StatusCode);
        using var plain = await http.GetAsync(new Uri("/ws", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.BadRequest, plain.StatusCode);
    }

    [Fact]
    public async Task WebSocket_SpeaksJsonMode_WithAnNcUser_EachLineOnceBothWays_AckedByCid()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        using var web = await ConnectAsync(server, origin: null);

        await SendAsync(web, "/json");
        var welcome = await ReceiveAsync(web);
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        Assert.Equal("lobby", welcome.GetProperty("room").GetString());
        var nick = welcome.GetProperty("nick").GetString();
        Assert.Equal($"* {nick} joined lobby", await nc.ReadLineAsync());

        await SendAsync(web, """{"type":"message","cid":"c1","text":"hello from a browser"}""");
        var ack = await ReceiveAsync(web);
        Assert.Equal("ack", ack.GetProperty("type").GetString());
        Assert.Equal("c1", ack.GetProperty("cid").GetString());
        Assert.Equal($"{nick}: hello from a browser", await nc.ReadLineAsync());
        var logged = await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith("\"hello from a browser\"", StringComparison.Ordinal));
        Assert.Equal("\"web\"", logged.Properties["Protocol"].ToString());

        await nc.SendAsync("hello from nc");
        var said = await ReceiveAsync(web);
        Assert.Equal("message", said.GetProperty("type").GetString());
        Assert.Equal("bob", said.GetProperty("from").GetString());
        Assert.Equal("hello from nc", said.GetProperty("text").GetString());

        // A JSON object spread over lines (pretty-printed) is still one request: its newlines are only whitespace.
        await SendAsync(web, "{\n  \"type\": \"ping\",\n  \"cid\": \"p1\"\n}");
        Assert.Equal("pong", (await ReceiveAsync(web)).GetProperty("type").GetString());
        await SendAsync(web, """{"type":"quit"}""");
        Assert.Equal("bye", (await ReceiveAsync(web)).GetProperty("text").GetString());
        Assert.Equal($"* {nick} left lobby", await nc.ReadLineAsync());
    }

    [Fact]
    public async Task WebSocket_JsonFromItsFirstFrame_GreetedInJson_TheMessageSaidAndAcked_NeverPostedAsText()
    {
        await using var server = await StartAsync();
        await using var nc = await server.ConnectAsAsync("bob");
        using var web = await ConnectAsync(server, origin: null);

        await SendAsync(web, """{"type":"message","cid":"w1","text":"hello"}""");

        var welcome = await ReceiveAsync(web);
        Assert.Equal("welcome", welcome.GetProperty("type").GetString());
        var nick = welcome.GetProperty("nick").GetString();
        var ack = await ReceiveAsync(web);
        Assert.Equal("ack", ack.GetProperty("type").GetString());
        Assert.Equal("w1", ack.GetProperty("cid").GetString());
        Assert.Equal([$"* {nick} joined lobby", $"{nick}: hello"], await nc.ReadLinesAsync(2));
    }

    [Fact]
    public async Task WebSocket_SaysNothing_GreetedInJson_ThenResumesWithAJsonMessage()
    {
        await using var server = await StartAsync();
        string token;
        long lastId;
        using (var first = await ConnectAsync(server, origin: null))
        {
            var welcome = await ReceiveAsync(first);
            Assert.Equal("welcome", welcome.GetProperty("type").GetString());
            token = welcome.GetProperty("token").GetString()!;
            await SendAsync(first, """{"type":"nick","nick":"carol"}""");
            await SendAsync(first, """{"type":"message","cid":"m1","text":"before"}""");
            JsonElement ack;
            do
            {
                ack = await ReceiveAsync(first);
            }
            while (ack.GetProperty("type").GetString() != "ack");
            lastId = ack.GetProperty("id").GetInt64();
        }

        using var again = await ConnectAsync(server, origin: null);
        await SendAsync(again, $$"""{"type":"resume","token":"{{token}}","last_id":{{lastId}}}""");

        var resumed = await ReceiveAsync(again);
        Assert.Equal("welcome", resumed.GetProperty("type").GetString());
        Assert.Equal("carol", resumed.GetProperty("nick").GetString());
        Assert.True(resumed.GetProperty("resumed").GetBoolean());
    }

    [Fact]
    public async Task CrossOriginWebSocket_Refused403_TheOwnOriginAndAllowedOnesAccepted()
    {
        await using var server = await StartAsync(new() { ["Chat:Web:AllowedOrigins"] = "https://chat.example.org" });
        var own = server.WebUrl.GetLeftPart(UriPartial.Authority);

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(server, "http://evil.example"));
        Assert.Contains("403", refused.Message, StringComparison.Ordinal);
        using (var same = await ConnectAsync(server, own))
        {
            await SendAsync(same, "/json");
            Assert.Equal("welcome", (await ReceiveAsync(same)).GetProperty("type").GetString());
        }

        using var allowed = await ConnectAsync(server, "https://chat.example.org");
        await SendAsync(allowed, "/json");
        Assert.Equal("welcome", (await ReceiveAsync(allowed)).GetProperty("type").GetString());
        await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith("refused: origin \"http://evil.example\" is not allowed", StringComparison.Ordinal));
    }

    // A DNS-rebinding page: its name now points here, so its Origin matches the Host it sends.
    [Fact]
    public async Task RebindingHostName_RefusedBeforeTheOriginCheck_AddressesLocalhostAndAllowedNamesAnswered()
    {
        await using var server = await StartAsync(new() { ["Chat:Web:AllowedHosts"] = "chat.example.org,*.example.net" });
        var port = server.WebUrl.Port;

        Assert.StartsWith("HTTP/1.1 400 ", await UpgradeAsync(port, $"rebind.evil.example:{port}", $"http://rebind.evil.example:{port}"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101 ", await UpgradeAsync(port, $"chat.example.org:{port}", $"http://chat.example.org:{port}"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101 ", await UpgradeAsync(port, $"a.example.net:{port}", $"http://a.example.net:{port}"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 101 ", await UpgradeAsync(port, $"127.0.0.1:{port}", $"http://127.0.0.1:{port}"), StringComparison.Ordinal);
        await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith($"refused: host \"rebind.evil.example:{port}\" is not one this server answers to (Chat:Web:AllowedHosts)", StringComparison.Ordinal));

        // A request naming no host, as haproxy's "option httpchk GET /" sends it: no page can, so it is answered.
        await using (var check = await TestClient.ConnectAsync(port))
        {
            await check.SendBytesAsync("GET / HTTP/1.0\r\n\r\n"u8.ToArray());
            Assert.Equal("HTTP/1.1 200 OK", await check.ReadLineAsync());
        }

        await using var defaults = await StartAsync();
        Assert.StartsWith("HTTP/1.1 101 ", await UpgradeAsync(defaults.WebUrl.Port, $"localhost:{defaults.WebUrl.Port}", $"http://localhost:{defaults.WebUrl.Port}"), StringComparison.Ordinal);
        Assert.StartsWith("HTTP/1.1 400 ", await UpgradeAsync(defaults.WebUrl.Port, "rebind.evil.example", "http://rebind.evil.example"), StringComparison.Ordinal);
    }

    // A WebSocket handshake written by hand, with the Host and Origin a browser on that page would send; its status line.
    private static async Task<string> UpgradeAsync(int port, string host, string origin)
    {
        await using var client = await TestClient.ConnectAsync(port);
        await client.SendBytesAsync(Encoding.ASCII.GetBytes(
            $"GET /ws HTTP/1.1\r\nHost: {host}\r\nOrigin: {origin}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"));
        return await client.ReadLineAsync() ?? string.Empty;
    }

    [Fact]
    public async Task ForwardedFor_BelievedFromATrustedBalancerOnly()
    {
        await using var server = await StartAsync(new() { ["Chat:TrustedProxies"] = "10.0.0.5" });

        // From 127.0.0.1, which is not trusted: the header is the client's say-so and is ignored.
        using var web = new ClientWebSocket();
        web.Options.SetRequestHeader("X-Forwarded-For", "203.0.113.7");
        await web.ConnectAsync(new Uri($"ws://{server.WebUrl.Authority}/ws"), CancellationToken.None).WaitAsync(TestTimeouts.Default);
        await SendAsync(web, "/json");
        await ReceiveAsync(web);

        var connected = await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} connected", StringComparison.Ordinal));
        Assert.StartsWith("\"127.0.0.1:", connected.Properties["RemoteEndPoint"].ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TooLongAMessage_AnsweredLineTooLong_TheSocketStaysOpen()
    {
        await using var server = await StartAsync(new() { ["Chat:MaxLineBytes"] = "1024" });
        using var web = await ConnectAsync(server, origin: null);
        await SendAsync(web, "/json");
        await ReceiveAsync(web);

        await SendAsync(web, $$"""{"type":"message","cid":"big","text":"{{new string('x', 2000)}}"}""");
        var refusal = await ReceiveAsync(web);
        Assert.Equal("line_too_long", refusal.GetProperty("code").GetString());
        await SendAsync(web, """{"type":"ping","cid":"after"}""");
        Assert.Equal("after", (await ReceiveAsync(web)).GetProperty("cid").GetString());
    }

    [Fact]
    public async Task TlsPort_ServesThePageOverHttps_AndTheSocketOverWss()
    {
        using var data = new TempDirectory();
        var (certificatePath, keyPath, certificate) = TestCertificates.CreateServer(data.Path);
        await using var server = await TestServer.StartAsync(
            TestServer.TlsSettings(data.Path, certificatePath, keyPath),
            new Dictionary<string, string?> { ["Chat:Web:TlsPort"] = "0" });
        var url = Assert.Single(server.Host.Services.GetRequiredService<SocketChat.Server.Web.WebListener>().Urls);
        Assert.Equal("https", url.Scheme);
        bool Trusted(System.Security.Cryptography.X509Certificates.X509Certificate2? presented) =>
            presented is not null && presented.Thumbprint == certificate.Thumbprint;

        using var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, presented, _, _) => Trusted(presented) };
        using var http = new HttpClient(handler) { BaseAddress = url, Timeout = TestTimeouts.Default };
        using var page = await http.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(System.Net.HttpStatusCode.OK, page.StatusCode);

        using var web = new ClientWebSocket();
        web.Options.RemoteCertificateValidationCallback = (_, presented, _, _) => Trusted(presented as System.Security.Cryptography.X509Certificates.X509Certificate2);
        await web.ConnectAsync(new Uri($"wss://{url.Authority}/ws"), CancellationToken.None).WaitAsync(TestTimeouts.Default);
        await SendAsync(web, "/json");
        Assert.Equal("welcome", (await ReceiveAsync(web)).GetProperty("type").GetString());
    }

    [Fact]
    public async Task PerAddressLimit_AppliesToBrowsersToo_RefusedAtAcceptWith503()
    {
        await using var server = await StartAsync(new() { ["Chat:Limits:MaxConnectionsPerIp"] = "1", ["Chat:Limits:ExemptLoopback"] = "false" });
        await using var nc = await server.ConnectAsync();

        var refused = await Assert.ThrowsAsync<WebSocketException>(() => ConnectAsync(server, origin: null));

        Assert.Contains("'503'", refused.Message, StringComparison.Ordinal);
        await server.Log.WaitForAsync(e => e.RenderMessage().EndsWith(": \"too many connections from your address (at most 1)\"", StringComparison.Ordinal)
            && e.RenderMessage().StartsWith("Refused a connection from", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PerAddressLimit_OneWebSocketIsOneConnection_NotTwo()
    {
        await using var server = await StartAsync(new() { ["Chat:Limits:MaxConnectionsPerIp"] = "2", ["Chat:Limits:ExemptLoopback"] = "false" });
        using var web = await ConnectAsync(server, origin: null);
        await SendAsync(web, "/json");
        Assert.Equal("welcome", (await ReceiveAsync(web)).GetProperty("type").GetString());

        await using var nc = await server.ConnectAsync();

        Assert.StartsWith("* welcome to SocketChat", await nc.ReadLineAsync(), StringComparison.Ordinal);
    }

    internal static async Task<ClientWebSocket> ConnectAsync(TestServer server, string? origin)
    {
        var socket = new ClientWebSocket();
        if (origin is not null)
        {
            socket.Options.SetRequestHeader("Origin", origin);
        }

        try
        {
            await socket.ConnectAsync(new Uri($"ws://{server.WebUrl.Authority}/ws"), CancellationToken.None).WaitAsync(TestTimeouts.Default);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    internal static Task SendAsync(ClientWebSocket socket, string text) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, endOfMessage: true, CancellationToken.None).WaitAsync(TestTimeouts.Default);

    internal static async Task<JsonElement> ReceiveAsync(ClientWebSocket socket)
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        ValueWebSocketReceiveResult result;
        do
        {
            result = await socket.ReceiveAsync(buffer.AsMemory(length), CancellationToken.None).AsTask().WaitAsync(TestTimeouts.Default);
            length += result.Count;
        }
        while (!result.EndOfMessage);

        Assert.Equal(WebSocketMessageType.Text, result.MessageType);
        using var document = JsonDocument.Parse(buffer.AsMemory(0, length));
        return document.RootElement.Clone();
    }
}
