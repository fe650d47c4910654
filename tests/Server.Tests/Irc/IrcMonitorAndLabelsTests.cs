using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Irc;

// MONITOR (who comes online and goes) and labeled-response (a labelled line's answer carries its label).
public sealed class IrcMonitorAndLabelsTests
{
    [Fact]
    public async Task Monitor_AddedNicksStatusToldAtOnce_ThenTheyComeAndGo_ListClearAndFull()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var bob = await server.ConnectAsAsync("bob");
        await using var alice = await server.ConnectIrcAsync("alice", join: null);

        await alice.SendAsync("MONITOR + bob,Carol,not*valid");
        Assert.Equal(":socketchat 730 alice :bob!bob@socketchat", await alice.ReadLineAsync());
        Assert.Equal(":socketchat 731 alice :Carol", await alice.ReadLineAsync());

        await using (var carol = await server.ConnectIrcAsync("carol", join: null))
        {
            Assert.Equal(":socketchat 730 alice :carol!carol@socketchat", await alice.ReadLineAsync());
            await carol.SendAsync("QUIT :bye");
            await carol.ReadToEndAsync();
        }

        Assert.Equal(":socketchat 731 alice :carol", await alice.ReadLineAsync());
        await bob.SendAsync("/nick robert");
        Assert.Equal(":socketchat 731 alice :bob", await alice.ReadLineAsync());

        await alice.SendAsync("MONITOR L");
        Assert.Equal([":socketchat 732 alice :bob,Carol", ":socketchat 733 alice :End of MONITOR list"], await alice.ReadLinesAsync(2));
        await alice.SendAsync("MONITOR - bob");
        await alice.SendAsync("MONITOR S");
        Assert.Equal(":socketchat 731 alice :Carol", await alice.ReadLineAsync());
        await alice.SendAsync("MONITOR C");
        await alice.SendAsync("MONITOR L");
        Assert.Equal(":socketchat 733 alice :End of MONITOR list", await alice.ReadLineAsync());

        // At most 100: what is past them is refused, named.
        await alice.SendAsync($"MONITOR + {string.Join(',', Enumerable.Range(1, 101).Select(i => $"n{i}"))}");
        Assert.Equal(":socketchat 734 alice 100 n101 :Monitor list is full.", await alice.ReadLineAsync());
        Assert.StartsWith(":socketchat 731 alice :n1,n2,", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task LabeledResponse_OneLineTagged_SeveralInABatch_NoneAnAck_AnEchoCarriesItsLabel()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Irc:Port"] = "0" });
        await using var alice = await server.ConnectIrcAsync("alice", "labeled-response batch echo-message");

        await alice.SendAsync("@label=one PING :hello");
        Assert.Equal("@label=one :socketchat PONG socketchat :hello", await alice.ReadLineAsync());

        // Every reply to the JOIN, and nothing else, inside the batch.
        await alice.SendAsync("@label=two JOIN #dev");
        var start = System.Text.RegularExpressions.Regex.Match((await alice.ReadLineAsync())!, @"^@label=two :socketchat BATCH \+(l\d+) labeled-response$");
        Assert.True(start.Success);
        var batch = start.Groups[1].Value;
        var inside = new List<string>();
        while (await alice.ReadLineAsync() is { } line && line != $":socketchat BATCH -{batch}")
        {
            inside.Add(line);
        }

        Assert.All(inside, line => Assert.StartsWith($"@batch={batch} :", line));
        Assert.Equal($"@batch={batch} :alice!alice@socketchat JOIN #dev", inside[0]);
        Assert.Equal($"@batch={batch} :socketchat 366 alice #dev :End of /NAMES list.", inside[^1]);

        await alice.SendAsync("@label=three MONITOR - nobody");
        Assert.Equal("@label=three :socketchat ACK", await alice.ReadLineAsync());

        await alice.SendAsync("@label=four PRIVMSG #dev :labelled");
        Assert.Matches(@"^@label=four :alice!alice@socketchat PRIVMSG #dev :labelled$", await alice.ReadLineAsync());

        // Unnegotiated, a label changes nothing.
        await using var bob = await server.ConnectIrcAsync("bob", join: null);
        await bob.SendAsync("@label=x PING :plain");
        Assert.Equal(":socketchat PONG socketchat :plain", await bob.ReadLineAsync());
    }
}
