using System.Text.Json;
using SocketChat.Server.Tests.Cluster;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Devices;

// A named device comes back to exactly what it missed since its own place, on any server; read markers move on one
// device, reach the others and are kept.
public sealed class DevicePlacesTests : IDisposable
{
    private const string Password = "correct horse battery";

    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task ADeviceAwayWhileLinesArrive_LogsInOnAnotherNode_ShownExactlyWhatItMissed_OnceInOrder_TheOtherDevicesPlaceUntouched()
    {
        await using var redis = await RedisServer.StartAsync();
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password), ("bob", Password));
        var accounts = new Dictionary<string, string?> { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path };
        await using var first = await ClusterTests.StartNodeAsync(redis, accounts);
        await using var second = await ClusterTests.StartNodeAsync(redis, accounts);

        // Both devices on the first node; bob talks to the room and to alice.
        await using var bob = await SeveralDevicesTests.LogInAsTextAsync(first, "bob");
        var laptop = await SeveralDevicesTests.LogInAsJsonAsync(first, "laptop");
        await bob.ExpectAsync(line => line == "* alice joined lobby");
        var phone = await SeveralDevicesTests.LogInAsJsonAsync(first, "phone");
        await bob.SendAsync("seen by both");
        Assert.Contains("seen by both", await laptop.ReadLineAsync());
        Assert.Contains("seen by both", await phone.ReadLineAsync());

        // The phone goes; lines arrive that only the laptop sees, one of them the laptop's own.
        await phone.DisposeAsync();
        await first.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Device {Device} of {Nick} left", StringComparison.Ordinal));
        await bob.SendAsync("missed one");
        Assert.Contains("missed one", await laptop.ReadLineAsync());
        await bob.SendAsync("/msg alice missed two");
        var laptopPlace = Id(await laptop.ReadLineAsync());
        await laptop.SendAsync("""{"type":"message","text":"missed three"}""");
        await bob.ExpectAsync(line => line == "alice: missed three");
        await laptop.DisposeAsync();
        await bob.ExpectAsync(line => line == "* alice left lobby");
        await first.Log.WaitForAsync(e => e.RenderMessage().StartsWith("Device \"laptop\" of \"alice\" left", StringComparison.Ordinal));

        // The phone comes back on the other node: those three, in order, once; then what is said live.
        await using var phoneAgain = await SeveralDevicesTests.LogInAsJsonAsync(second, "phone");
        var missed = await phoneAgain.ReadLinesAsync(3);
        Assert.Matches("""^\{"type":"message",.*"from":"bob","text":"missed one","history":true\}$""", missed[0]);
        Assert.Matches("""^\{"type":"private",.*"from":"bob","to":"alice","text":"missed two"\}$""", missed[1]);
        Assert.Matches("""^\{"type":"message",.*"from":"alice","text":"missed three","history":true,"own":true\}$""", missed[2]);
        Assert.True(Id(missed[0]) < Id(missed[1]) && Id(missed[1]) < Id(missed[2]));
        await bob.SendAsync("live again");
        Assert.Matches("""^\{"type":"message",.*"from":"bob","text":"live again"\}$""", await phoneAgain.ReadLineAsync());
        await phoneAgain.DisposeAsync();
        await second.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Device {Device} of {Nick} left", StringComparison.Ordinal));

        // The laptop's place was its own: it is shown only what came after what it last saw ("missed three", "live again").
        await using var laptopAgain = await SeveralDevicesTests.LogInAsJsonAsync(second, "laptop");
        var shown = await laptopAgain.ReadLinesAsync(2);
        Assert.Matches("""^\{"type":"message",.*"text":"missed three","history":true,"own":true\}$""", shown[0]);
        Assert.Matches("""^\{"type":"message",.*"text":"live again","history":true\}$""", shown[1]);
        Assert.True(Id(shown[0]) > laptopPlace);
    }

    [Fact]
    public async Task ReadMarker_SetOnOneDevice_ReachesTheOthers_TellsADeviceThatComesBack_SurvivesARestart()
    {
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password), ("bob", Password));
        var settings = new Dictionary<string, string?> { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path, ["Chat:Irc:Port"] = "0" };
        long read;
        await using (var server = await TestServer.StartAsync(settings))
        {
            await using var bob = await SeveralDevicesTests.LogInAsTextAsync(server, "bob");
            await using var laptop = await SeveralDevicesTests.LogInAsJsonAsync(server, "laptop");
            await using var phone = await SeveralDevicesTests.LogInAsJsonAsync(server, "phone");
            await using var irc = await TestClient.ConnectAsync(server.IrcPort);
            await irc.SendAsync("CAP REQ :draft/read-marker server-time");
            await irc.SendAsync($"PASS :{Password}");
            await irc.SendAsync("NICK alice");
            await irc.SendAsync("USER alice 0 * :Alice");
            await irc.SendAsync("CAP END");
            await irc.ExpectAsync(line => line.Contains(" 376 ", StringComparison.Ordinal));
            Assert.Equal(":alice!alice@socketchat JOIN #lobby", await irc.ReadLineAsync());
            await bob.SendAsync("one");
            await bob.SendAsync("two");
            await laptop.ReadLinesAsync(2);
            var two = await phone.ReadLinesAsync(2);
            read = Id(two[1]);
            var stamp = JsonDocument.Parse(two[1]).RootElement.GetProperty("ts").GetString();

            await phone.SendAsync($$"""{"type":"read","id":{{read}},"cid":"r1"}""");
            Assert.Equal($$"""{"type":"read","room":"lobby","id":{{read}},"ts":"{{stamp}}","cid":"r1"}""", await phone.ExpectAsync(line => line.Contains("\"read\"", StringComparison.Ordinal)));
            Assert.Equal($$"""{"type":"read","room":"lobby","id":{{read}},"ts":"{{stamp}}"}""", await laptop.ExpectAsync(line => line.Contains("\"read\"", StringComparison.Ordinal)));
            Assert.Equal($":socketchat MARKREAD #lobby timestamp={stamp}", await irc.ExpectAsync(line => line.Contains("MARKREAD", StringComparison.Ordinal)));

            // A marker never goes back; text mode asks where it is.
            await laptop.SendAsync($$"""{"type":"read","id":{{Id(two[0])}}}""");
            Assert.Equal($$"""{"type":"read","room":"lobby","id":{{read}},"ts":"{{stamp}}"}""", await laptop.ExpectAsync(line => line.Contains("\"read\"", StringComparison.Ordinal)));
            await irc.SendAsync("MARKREAD #lobby");
            Assert.Equal($":socketchat MARKREAD #lobby timestamp={stamp}", await irc.ExpectAsync(line => line.Contains("MARKREAD", StringComparison.Ordinal)));
        }

        // After a restart a device that logs in is told where the account stopped reading.
        await using var restarted = await TestServer.StartAsync(settings);
        await using var tablet = await SeveralDevicesTests.LogInAsJsonAsync(restarted, "tablet");
        Assert.Matches($$"""^\{"type":"read","room":"lobby","id":{{read}},"ts":"[^"]+"\}$""", await tablet.ExpectAsync(line => line.Contains("\"read\"", StringComparison.Ordinal)));
        await tablet.SendAsync("""{"type":"read","ask":true,"cid":"q"}""");
        Assert.Matches($$"""^\{"type":"read","room":"lobby","id":{{read}},"ts":"[^"]+","cid":"q"\}$""", await tablet.ExpectAsync(line => line.Contains("\"read\"", StringComparison.Ordinal)));
    }

    private static long Id(string? line) => JsonDocument.Parse(line!).RootElement.GetProperty("id").GetInt64();
}
