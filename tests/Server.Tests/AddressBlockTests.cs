using System.Net;
using Microsoft.Extensions.Time.Testing;
using SocketChat.Server.Clients;
using SocketChat.Server.Accounts;
using SocketChat.Server.Configuration;
using SocketChat.Server.Connections;

namespace SocketChat.Server.Tests;

// Per-address limits count an IPv6 client by its prefix: any address of its /64 is its own.
public sealed class AddressBlockTests
{
    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64, "2001:db8:1:2::")]
    [InlineData("2001:db8:1:2f:aaaa::1", 60, "2001:db8:1:20::")]
    [InlineData("2001:db8:1:2:aaaa::1", 56, "2001:db8:1::")]
    [InlineData("2001:db8:1:2:aaaa::1", 128, "2001:db8:1:2:aaaa::1")]
    [InlineData("2001:db8::1", 1, "::")]
    [InlineData("::ffff:192.0.2.7", 64, "192.0.2.7")]
    [InlineData("192.0.2.7", 64, "192.0.2.7")]
    public void Of_Address_CountedUnderItsBlock(string address, int prefix, string expected)
    {
        Assert.Equal(IPAddress.Parse(expected), AddressBlock.Of(IPAddress.Parse(address), prefix));
    }

    [Fact]
    public void MaxConnectionsPerIp_AddressesOfOneIpv6Prefix_CountTogether_OtherPrefixesApart()
    {
        var admission = new ConnectionAdmission(Settings(new LimitsOptions { MaxConnectionsPerIp = 2 }));

        Assert.Null(admission.TryAdmit(IPAddress.Parse("2001:db8:1:2::1")));
        Assert.Null(admission.TryAdmit(IPAddress.Parse("2001:db8:1:2::2")));
        Assert.Equal(
            "too many connections from your network 2001:db8:1:2::/64 (at most 2)",
            admission.TryAdmit(IPAddress.Parse("2001:db8:1:2:ffff:ffff:ffff:ffff")));
        Assert.Null(admission.TryAdmit(IPAddress.Parse("2001:db8:1:3::1")));

        admission.Release(IPAddress.Parse("2001:db8:1:2::1"));
        Assert.Null(admission.TryAdmit(IPAddress.Parse("2001:db8:1:2::99")));
    }

    [Fact]
    public void MaxConnectionsPerIp_Ipv4MappedAndPlainIpv4_OneAddress()
    {
        var admission = new ConnectionAdmission(Settings(new LimitsOptions { MaxConnectionsPerIp = 1 }));

        Assert.Null(admission.TryAdmit(IPAddress.Parse("192.0.2.7")));
        Assert.Equal("too many connections from your address (at most 1)", admission.TryAdmit(IPAddress.Parse("::ffff:192.0.2.7")));
        Assert.Null(admission.TryAdmit(IPAddress.Parse("192.0.2.8")));
    }

    [Fact]
    public void LoginThrottle_GuessesFromManyAddressesOfOnePrefix_ThrottledTogether()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UnixEpoch);
        var throttle = new LoginThrottle(Settings(new LimitsOptions()), clock);

        for (var i = 1; i <= 5; i++)
        {
            var address = IPAddress.Parse($"2001:db8:1:2::{i:x}");
            Assert.False(throttle.TryBegin(address).MustWait);
            throttle.Failed(address);
        }

        Assert.True(throttle.TryBegin(IPAddress.Parse("2001:db8:1:2:dead:beef::6")).MustWait);
        Assert.False(throttle.TryBegin(IPAddress.Parse("2001:db8:1:3::1")).MustWait);
    }

    private static Microsoft.Extensions.Options.IOptions<ChatOptions> Settings(LimitsOptions limits) =>
        Microsoft.Extensions.Options.Options.Create(new ChatOptions { Limits = limits });
}
