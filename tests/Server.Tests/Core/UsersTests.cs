using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SocketChat.Server.Configuration;
using SocketChat.Server.Sessions;
using SocketChat.Server.Rooms;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Tests.Core;

// Nicknames alone, on one server: no host, no socket, no store.
public sealed class UsersTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly Users _users;
    private long _ids;

    public UsersTests() => _users = new Users(new LocalNames(), Options.Create(new ChatOptions { ResumeWindowSeconds = 60 }), _clock);

    [Fact]
    public async Task Guests_NumberedInTurn_FoundInAnyCase()
    {
        var first = Session();
        var second = Session();

        await _users.RegisterGuestAsync(first);
        await _users.RegisterGuestAsync(second);

        Assert.Equal(("guest1", "guest2"), (first.Nick, second.Nick));
        Assert.Same(second, _users.FindByNick("GUEST2"));
        Assert.Same(first, _users.FindById(first.Id));
    }

    [Fact]
    public async Task Rename_ANameTakenInAnyCase_Refused_AFreeOne_TheOldNameLetGo()
    {
        var alice = Session();
        var bob = Session();
        await _users.RegisterGuestAsync(alice);
        await _users.RegisterGuestAsync(bob);
        Assert.True(await _users.TryRenameAsync(alice, "alice"));

        Assert.False(await _users.TryRenameAsync(bob, "ALICE"));
        Assert.True(await _users.TryRenameAsync(bob, "bob"));

        Assert.Null(_users.FindByNick("guest2"));
        Assert.Equal(("alice", "bob"), (alice.Nick, bob.Nick));
    }

    [Fact]
    public async Task AParkedIdentitysName_KeptFromOthers_UntilItsWindowEnds()
    {
        var dropped = Session();
        Assert.True(await _users.TryRegisterAsync(dropped, "alice"));
        var identity = new ResumableIdentity("token");
        identity.Park("alice", "lobby", _clock.GetUtcNow().AddSeconds(60));
        _users.Reserve("alice", identity);
        Assert.True(_users.Unregister(dropped, keepClaim: true));

        Assert.False(await _users.TryRegisterAsync(Session(), "alice"));
        _clock.Advance(TimeSpan.FromSeconds(61));
        Assert.True(await _users.TryRegisterAsync(Session(), "alice"));
    }

    [Fact]
    public async Task Unregister_TwiceOrOfADisplacedConnection_LetsGoOfNothing()
    {
        var earlier = Session();
        var later = Session();
        Assert.True(await _users.TryRegisterAsync(earlier, "alice"));
        var claim = await _users.ClaimAccountAsync(later, "alice");

        Assert.Same(earlier, claim!.Displaced);
        Assert.False(_users.Unregister(earlier));
        Assert.Same(later, _users.FindByNick("alice"));
        Assert.True(_users.Unregister(later));
        Assert.False(_users.Unregister(later));
        Assert.Null(_users.FindByNick("alice"));
    }

    private ChatSession Session() =>
        new(++_ids, System.Net.IPAddress.Loopback, $"127.0.0.1:{_ids}", new OutboundQueue(100, 1 << 20)) { Protocol = TextWire.Instance };
}
