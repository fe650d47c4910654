using System.Text;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

// Behind a TCP load balancer: the PROXY protocol header names the client limits and logs see.
public sealed class ProxyProtocolTests
{
    private static readonly Dictionary<string, string?> BehindProxy = new()
    {
        ["Chat:TrustedProxies"] = "127.0.0.1",
        ["Chat:Limits:MaxConnectionsPerIp"] = "1",
    };

    [Fact]
    public async Task TextHeader_TheClientItNamesIsCountedAndLogged_NotTheBalancer()
    {
        await using var server = await TestServer.StartAsync(BehindProxy);

        await using var first = await ConnectThroughAsync(server, "PROXY TCP4 203.0.113.7 127.0.0.1 40000 8080\r\n");
        Assert.StartsWith("* welcome", await first.ReadLineAsync(), StringComparison.Ordinal);
        await using var again = await ConnectThroughAsync(server, "PROXY TCP4 203.0.113.7 127.0.0.1 40001 8080\r\n");
        Assert.Equal("! error: too many connections from your address (at most 1)", await again.ReadLineAsync());
        await using var other = await ConnectThroughAsync(server, "PROXY TCP4 198.51.100.9 127.0.0.1 40000 8080\r\n");
        Assert.StartsWith("* welcome", await other.ReadLineAsync(), StringComparison.Ordinal);

        var connected = await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} connected", StringComparison.Ordinal));
        Assert.Equal("\"203.0.113.7:40000\"", connected.Properties["RemoteEndPoint"].ToString());
    }

    [Fact]
    public async Task BinaryHeader_Ipv6Client_ThenItsOwnBytesUntouched()
    {
        await using var server = await TestServer.StartAsync(BehindProxy);
        byte[] header =
        [
            0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A, 0x21, 0x21, 0x00, 36,
            0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
            0x9C, 0x40, 0x1F, 0x90,
        ];
        await using var client = await TestClient.ConnectAsync(server.Port);

        // The client's first line arrives in the same packet as the header.
        await client.SendBytesAsync([.. header, .. "/nick ipv6\n"u8]);

        Assert.StartsWith("* welcome", await client.ReadLineAsync(), StringComparison.Ordinal);
        Assert.EndsWith("is now known as ipv6", await client.ReadLineAsync(), StringComparison.Ordinal);
        var connected = await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} connected", StringComparison.Ordinal));
        Assert.Equal("\"[2001:db8::1]:40000\"", connected.Properties["RemoteEndPoint"].ToString());
    }

    [Fact]
    public async Task BalancersOwnCheck_Unknown_AnsweredAsAProbe()
    {
        await using var server = await TestServer.StartAsync(BehindProxy);

        await using var check = await ConnectThroughAsync(server, "PROXY UNKNOWN\r\n/ping\n");

        Assert.Equal("* pong", await check.ReadLineAsync());
    }

    [Theory]
    [InlineData("hello, is this the chat?\n", "! error: expected a PROXY protocol header from the load balancer")]
    [InlineData("PROXY TCP4 203.0.113.300 127.0.0.1 40000 8080\r\n", "! error: not a valid PROXY header: \"PROXY TCP4 203.0.113.300 127.0.0.1 40000 8080\"")]
    [InlineData("PROXY TCP6 203.0.113.7 127.0.0.1 40000 8080\r\n", "! error: not a valid PROXY header: \"PROXY TCP6 203.0.113.7 127.0.0.1 40000 8080\"")]
    public async Task FromTheBalancer_WithoutAValidHeader_RefusedSayingWhy(string sent, string answer)
    {
        await using var server = await TestServer.StartAsync(BehindProxy);

        await using var client = await ConnectThroughAsync(server, sent);

        Assert.Equal([answer], await client.ReadToEndAsync());
        await server.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Refused a connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task HeaderLongerThanVersionOneAllows_Refused()
    {
        await using var server = await TestServer.StartAsync(BehindProxy);

        await using var client = await ConnectThroughAsync(server, "PROXY TCP4 " + new string('1', 200) + "\r\n");

        Assert.Equal(["! error: PROXY header longer than 107 bytes"], await client.ReadToEndAsync());
    }

    [Fact]
    public async Task FromElsewhere_NoHeaderExpected()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:TrustedProxies"] = "10.0.0.0/8" });

        await using var client = await server.ConnectAsync();

        Assert.StartsWith("* welcome", await client.ReadLineAsync(), StringComparison.Ordinal);
    }

    private static async Task<TestClient> ConnectThroughAsync(TestServer server, string sent)
    {
        var client = await TestClient.ConnectAsync(server.Port);
        await client.SendBytesAsync(Encoding.ASCII.GetBytes(sent));
        return client;
    }
}
