using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SocketChat.Server.Accounts;
using SocketChat.Server.Storage;
using SocketChat.Server.Tests.Storage;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Budget;

// One budget for expensive work: searches, history pages and password checks (logins and OPER) take a place in it;
// beyond a client's share the answer is busy, at once, in its protocol.
public sealed class HeavyWorkTests
{
    private const string Password = "opensesame";
    private static readonly IPAddress Elsewhere = IPAddress.Parse("127.0.0.80");

    // Finding 7: ten searchers from one address stalled everyone (each an unbounded Task.Run scanning 100,000 rows).
    [Fact]
    public async Task Searches_BeyondTheAddressShare_ToldBusyAtOnce_AnotherAddressWaitsItsTurn()
    {
        FaultyStore? store = null;
        await using var server = await TestServer.StartAsync(
            new() { ["Chat:Limits:HeavyWorkAtOnce"] = "1", ["Chat:Limits:HeavyWorkPerClient"] = "1" },
            services => services.AddSingleton<IMessageStore>(_ => store = new FaultyStore(new MemoryMessageStore(100)) { HoldSearches = true }));
        await using var alice = await server.ConnectAsAsync("alice");
        await using var again = await server.ConnectAsAsync("alice2");
        await using var carol = await TestClient.ConnectFromAsync(Elsewhere, server.Port);
        await carol.ReadLineAsync();

        await alice.SendAsync("/search hello");
        await WaitUntilAsync(() => store!.SearchesStarted == 1);
        await again.SendAsync("/search hello");
        Assert.Equal("! error: the server is busy with other searches and history; try again in a moment", await again.ExpectAsync(line => line.StartsWith('!')));
        await again.SendAsync("/history 5");
        Assert.Equal("! error: the server is busy with other searches and history; try again in a moment", await again.ExpectAsync(line => line.StartsWith('!')));
        await carol.SendAsync("/search hello");

        store!.SearchGate.SetResult();
        Assert.Equal("* 0 found for \"hello\"", await alice.ExpectAsync(line => line.Contains(" found for ", StringComparison.Ordinal)));
        Assert.Equal("* 0 found for \"hello\"", await carol.ExpectAsync(line => line.Contains(" found for ", StringComparison.Ordinal)));
        Assert.Equal(2, store.SearchesStarted);
    }

    // Finding 6: OPER had no throttle (the right password accepted after 190 failures) and answered an unknown name
    // at once (a known one after a password check): now counted and slowed like logins, a name that is no operator's
    // checked against a decoy and counted alike.
    [Fact]
    public async Task Oper_WrongPasswordsAndUnknownNames_CountedAndSlowedLikeLogins()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Operators:root"] = PasswordHasher.Hash(Password), ["Chat:Auth:MaxFailuresPerMinute"] = "3",
        });
        await using var mallory = await server.ConnectAsAsync("mallory");
        foreach (var guess in new[] { "/oper root wrong1", "/oper nobody wrong", "/oper root wrong2" })
        {
            await mallory.SendAsync(guess);
            Assert.Equal("! error: wrong operator name or password", await mallory.ReadLineAsync());
        }

        Assert.Equal(3, server.Log.Events.Count(e => e.MessageTemplate.Text.StartsWith("{Nick} from {RemoteEndPoint} failed to become a server operator", StringComparison.Ordinal)));
        await mallory.SendAsync($"/oper root {Password}");
        Assert.Matches(@"^\* too many failed operator logins from your address; this attempt waits (5\d|60) s$", await mallory.ReadLineAsync());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition never held");
            await Task.Delay(10);
        }
    }
}
