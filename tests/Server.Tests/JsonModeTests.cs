using System.Text.Json;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class JsonModeTests
{
    [Fact]
    public async Task Json_MessageWithCid_AckedWithIdAndDeliveredWithAllFields()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectJsonAsync(server, "alice");
        await using var bob = await ConnectJsonAsync(server, "bob");
        await alice.ExpectAsync(line => line.Contains("\"action\":\"rename\"", StringComparison.Ordinal) && line.Contains("\"bob\"", StringComparison.Ordinal));

        await alice.SendAsync("""{"type":"message","cid":"a-1","text":"hello \u001b[31mbob"}""");

        using var ack = JsonDocument.Parse(await alice.ReadLineAsync() ?? "");
        using var message = JsonDocument.Parse(await bob.ReadLineAsync() ?? "");
        Assert.Equal("ack", ack.RootElement.GetProperty("type").GetString());
        Assert.Equal("a-1", ack.RootElement.GetProperty("cid").GetString());
        var id = ack.RootElement.GetProperty("id").GetInt64();
        Assert.Equal("message", message.RootElement.GetProperty("type").GetString());
        Assert.Equal(id, message.RootElement.GetProperty("id").GetInt64());
        Assert.Equal("lobby", message.RootElement.GetProperty("room").GetString());
        Assert.Equal("alice", message.RootElement.GetProperty("from").GetString());
        Assert.Equal("hello [31mbob", message.RootElement.GetProperty("text").GetString());
        var timestamp = message.RootElement.GetProperty("ts").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, timestamp.Offset);
        Assert.InRange(DateTimeOffset.UtcNow - timestamp, TimeSpan.Zero, TestTimeouts.Default);
    }

    [Fact]
    public async Task Json_IdsIncreaseAcrossMessages()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectJsonAsync(server, "alice");

        var ids = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            await alice.SendAsync($$"""{"type":"message","cid":"c{{i}}","text":"n{{i}}"}""");
            using var ack = JsonDocument.Parse(await alice.ReadLineAsync() ?? "");
            Assert.Equal($"c{i}", ack.RootElement.GetProperty("cid").GetString());
            ids.Add(ack.RootElement.GetProperty("id").GetInt64());
        }

        Assert.Equal(ids.Order(), ids);
        Assert.Equal(5, ids.Distinct().Count());
    }

    [Fact]
    public async Task Json_BadLine_ErrorEventAndConnectionStaysUp()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectJsonAsync(server, "alice");

        await alice.SendAsync("this is not json");
        await alice.SendAsync("""{"type":"join","room":"no spaces","cid":"j1"}""");
        await alice.SendAsync("""{"type":"who","cid":"w1"}""");

        Assert.Equal("""{"type":"error","code":"invalid_json","message":"not a JSON object"}""", await alice.ReadLineAsync());
        Assert.Equal(
            """{"type":"error","code":"invalid_name","message":"invalid room name; use 1-32 characters: ASCII letters, digits, '-', '_' or '.', starting with a letter","cid":"j1"}""",
            await alice.ReadLineAsync());
        Assert.Equal("""{"type":"who","room":"lobby","nicks":["alice"],"cid":"w1"}""", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Json_TextPeer_SeesPlainLineFromJsonSender()
    {
        await using var server = await TestServer.StartAsync();
        await using var text = await server.ConnectAsAsync("texter");
        await using var json = await ConnectJsonAsync(server, "jsoner");
        await text.ExpectAsync(line => line == "* guest2 is now known as jsoner");

        await json.SendAsync("""{"type":"message","cid":"1","text":"from a program"}""");
        Assert.Equal("jsoner: from a program", await text.ReadLineAsync());
        Assert.StartsWith("""{"type":"ack","cid":"1","id":""", await json.ReadLineAsync(), StringComparison.Ordinal);
        await text.SendAsync("from a person");

        Assert.Contains("\"from\":\"texter\",\"text\":\"from a person\"", await json.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_SwitchAfterFirstLine_Refused()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ReadLineAsync();

        await client.SendAsync("/who");
        await client.SendAsync("/json");

        Assert.Equal("* lobby (1): guest1", await client.ReadLineAsync());
        Assert.Equal("! error: /json is accepted only as the first line of a connection", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Json_FirstLineAfterTextGreeting_StillSwitches()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        Assert.StartsWith("* welcome", await client.ReadLineAsync(), StringComparison.Ordinal);

        await client.SendAsync("/json");

        Assert.Matches("""^\{"type":"welcome","nick":"guest2","room":"lobby","protocol":1,"token":"[A-Za-z0-9_-]{22}"\}$""", await client.ReadLineAsync());
    }

    [Fact]
    public async Task Json_LoneSurrogateInAnyString_InvalidJsonAndTheConnectionStays()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await ConnectJsonAsync(server, "alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line.Contains("\"nick\":\"bob\",\"action\":\"rename\"", StringComparison.Ordinal));

        foreach (var (line, where) in new[]
        {
            ("""{"type":"message","text":"\ud800"}""", "text"),
            ("""{"type":"message","text":"hi","cid":"\udc00"}""", "cid"),
            ("""{"type":"nick","nick":"al\udbffice"}""", "nick"),
            ("""{"type":"login","name":"alice","password":"\ud800"}""", "password"),
        })
        {
            await alice.SendAsync(line);
            Assert.Equal(
                $$"""{"type":"error","code":"invalid_json","message":"\"{{where}}\" holds a lone UTF-16 surrogate (\\ud800-\\udfff must come in pairs)"}""",
                await alice.ReadLineAsync());
        }

        await alice.SendAsync("""{"type":"message","cid":"ok","text":"still here \ud83d\ude00"}""");
        Assert.StartsWith("""{"type":"ack","cid":"ok",""", await alice.ReadLineAsync(), StringComparison.Ordinal);
        Assert.Equal("alice: still here \U0001F600", await bob.ReadLineAsync());
        Assert.DoesNotContain(server.Log.Events, e => e.Exception is not null);
    }

    internal static async Task<TestClient> ConnectJsonAsync(TestServer server, string nick)
    {
        var client = await server.ConnectAsync();
        await client.SendAsync("/json");
        // The text greeting may come first; a JSON client skips lines until the first object.
        var welcome = await client.ExpectAsync(line => line.StartsWith('{'));
        Assert.Matches("""^\{"type":"welcome","nick":"guest\d+","room":"lobby","protocol":1,"token":"[A-Za-z0-9_-]{22}"\}$""", welcome);
        using (var document = JsonDocument.Parse(welcome))
        {
            client.Token = document.RootElement.GetProperty("token").GetString();
        }

        await client.SendAsync($$"""{"type":"nick","nick":"{{nick}}"}""");
        await client.ExpectAsync(line => line.Contains($"\"nick\":\"{nick}\",\"action\":\"rename\"", StringComparison.Ordinal));
        return client;
    }
}
