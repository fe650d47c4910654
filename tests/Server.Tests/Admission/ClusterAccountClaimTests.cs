using SocketChat.Server.Tests.Cluster;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Admission;

// An account's claim across a cluster is one atomic claim in Redis: whatever order logins come in, on whichever
// nodes, the account is logged in on one node at a time.
[Trait("Category", "Slow")]
public sealed class ClusterAccountClaimTests : IDisposable
{
    private const string Password = "correct horse battery";
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    // Finding 3: a device parked on node B (dropped, not quit) made B think it held the account, so a login on B took
    // the claim from node A, where the account was logged in: both nodes had it, and went on taking it from each
    // other at every login.
    [Fact]
    public async Task DeviceParkedOnB_AccountLoggedInOnA_LoginOnBRefused_AndAgainLater()
    {
        await using var redis = await RedisServer.StartAsync();
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password));
        var accounts = new Dictionary<string, string?> { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path };
        await using var a = await ClusterTests.StartNodeAsync(redis, accounts);
        await using var b = await ClusterTests.StartNodeAsync(redis, accounts);

        var parked = await LogInAsJsonAsync(b, "phone");
        await parked.DisposeAsync();
        await b.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} disconnected", StringComparison.Ordinal));

        await using var onA = await LogInAsJsonAsync(a, "laptop");
        for (var round = 0; round < 2; round++)
        {
            await using var onB = await b.ConnectAsync();
            Assert.Equal("* this server needs an account: /login NAME PASSWORD", await onB.ReadLineAsync());
            await onB.SendAsync($"/login alice {Password}");
            Assert.Equal(
                "! error: alice is logged in on another server of this cluster; its devices connect to one server at a time: log out there first",
                await onB.ReadLineAsync());
        }

        await onA.SendAsync("""{"type":"message","text":"still here"}""");
        await onA.ExpectAsync(line => line.StartsWith("""{"type":"ack",""", StringComparison.Ordinal));
    }

    // Finding 3, as found: logins at the same moment on two nodes, round after round; one wins each round.
    [Fact]
    public async Task LoginsAtTheSameMomentOnTwoNodes_OneWinsEachRound()
    {
        await using var redis = await RedisServer.StartAsync();
        TestAccounts.Write(_data.File("users.txt"), ("alice", Password));
        var accounts = new Dictionary<string, string?> { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path };
        await using var a = await ClusterTests.StartNodeAsync(redis, accounts);
        await using var b = await ClusterTests.StartNodeAsync(redis, accounts);
        for (var round = 0; round < 5; round++)
        {
            var onA = await a.ConnectAsync();
            var onB = await b.ConnectAsync();
            await Task.WhenAll(onA.ReadLineAsync(), onB.ReadLineAsync());
            await Task.WhenAll(onA.SendAsync($"/login alice@a{round} {Password}"), onB.SendAsync($"/login alice@b{round} {Password}"));
            var answers = await Task.WhenAll(onA.ReadLineAsync(), onB.ReadLineAsync());
            Assert.Single(answers, answer => answer!.StartsWith("* welcome to SocketChat, alice!", StringComparison.Ordinal));
            Assert.Single(answers, answer => answer!.StartsWith("! error: alice is logged in on another server", StringComparison.Ordinal));

            // Each round starts from nobody logged in: the winner quits.
            var winner = answers[0]!.StartsWith('*') ? onA : onB;
            await winner.SendAsync("/quit");
            await winner.DrainUntilClosedAsync();
            await (answers[0]!.StartsWith('*') ? a : b).Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} disconnected", StringComparison.Ordinal) && e.RenderMessage().Contains("quit", StringComparison.Ordinal));
            await onA.DisposeAsync();
            await onB.DisposeAsync();
        }
    }

    // A device's token resumed on another node passes the same door: a server ban of its account, set on the first
    // node, keeps it out on the second.
    [Fact]
    public async Task ResumeOnAnotherNode_AfterAServerBanOfTheAccount_TurnedAway()
    {
        await using var redis = await RedisServer.StartAsync();
        SocketChat.Server.Accounts.UsersFile.Write(_data.File("users.txt"),
        [
            new SocketChat.Server.Accounts.UserAccount("root", SocketChat.Server.Accounts.PasswordHasher.Hash(Password), Operator: true),
            new SocketChat.Server.Accounts.UserAccount("alice", SocketChat.Server.Accounts.PasswordHasher.Hash(Password)),
        ]);
        var accounts = new Dictionary<string, string?> { ["Chat:Auth:Mode"] = "password", ["Chat:DataDirectory"] = _data.Path };
        await using var a = await ClusterTests.StartNodeAsync(redis, accounts);
        await using var b = await ClusterTests.StartNodeAsync(redis, accounts);
        var phone = await LogInAsJsonAsync(a, "phone");
        var token = System.Text.Json.JsonDocument.Parse(_welcome!).RootElement.GetProperty("token").GetString();
        await phone.DisposeAsync();
        await a.Log.WaitForAsync(e => e.MessageTemplate.Text.StartsWith("Client {Nick} disconnected", StringComparison.Ordinal));

        await using var root = await a.ConnectAsync();
        await root.ReadLineAsync();
        await root.SendAsync($"/login root {Password}");
        await root.ExpectAsync(line => line.StartsWith("* welcome", StringComparison.Ordinal));
        await root.SendAsync("/ban --server $a:alice");
        await root.ExpectAsync(line => line == "* root banned $a:alice from this server");

        await using var back = await b.ConnectAsync();
        await back.SendAsync($"/json resume {token} 0");
        Assert.Equal(["""{"type":"error","code":"refused","message":"you are banned from this server"}"""], await back.ReadToEndAsync());
    }

    private string? _welcome;

    private async Task<TestClient> LogInAsJsonAsync(TestServer server, string device)
    {
        var client = await server.ConnectAsync();
        await client.SendAsync("/json");
        await client.ExpectAsync(line => line == """{"type":"login_required"}""");
        await client.SendAsync($$"""{"type":"login","name":"alice","password":"{{Password}}","device":"{{device}}"}""");
        _welcome = await client.ReadLineAsync();
        Assert.StartsWith("""{"type":"welcome","nick":"alice",""", _welcome, StringComparison.Ordinal);
        return client;
    }
}
