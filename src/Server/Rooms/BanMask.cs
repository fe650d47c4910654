using System.Net;
using System.Net.Sockets;
using SocketChat.Protocol.Text;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// Who a ban or mute is for, as stored: "$a:NAME" (an account), or an IRC mask "NICK!USER@HOST" whose parts are globs
// (* any run, ? one character) and whose host is matched against the connection's real address, either by glob or,
// when it is a network ("2001:db8:1:2::/64", "192.0.2.0/24"), by prefix. Users type less: a bare nickname means
// "NICK!*@*", a bare address "*!*@ADDRESS", an IPv6 address its block (as Chat:Limits:Ipv6PrefixLength counts it).
internal static class BanMask
{
    public const string AccountPrefix = "$a:";

    public const string Rule = "a nickname (globs * and ? allowed), NICK!USER@HOST, an address or network (192.0.2.7, 2001:db8::/64), or $a:ACCOUNT";

    private const int MaxLength = 200;

    // The stored form of what a user typed, or null when it is no mask at all.
    public static string? Normalize(string typed, int ipv6PrefixLength)
    {
        var mask = typed.Trim();
        if (mask.Length is 0 or > MaxLength || mask.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == ','))
        {
            return null;
        }

        if (mask.StartsWith(AccountPrefix, StringComparison.OrdinalIgnoreCase) || mask.StartsWith("account:", StringComparison.OrdinalIgnoreCase))
        {
            var name = mask[(mask.IndexOf(':', StringComparison.Ordinal) + 1)..];
            return ChatNames.IsValid(name) ? AccountPrefix + name : null;
        }

        if (Host(mask, ipv6PrefixLength) is { } address)
        {
            return $"*!*@{address}";
        }

        var bang = mask.IndexOf('!', StringComparison.Ordinal);
        var at = mask.IndexOf('@', StringComparison.Ordinal);
        if (bang < 0 && at < 0)
        {
            return IsGlobName(mask) ? $"{mask}!*@*" : null;
        }

        // NICK!USER@HOST with any part left out meaning any: "bob!*@*", "*@192.0.2.7", "bob!~b".
        var nick = bang >= 0 ? mask[..bang] : at >= 0 ? "*" : mask;
        var user = bang >= 0 ? (at > bang ? mask[(bang + 1)..at] : mask[(bang + 1)..]) : (at >= 0 ? mask[..at] : "*");
        var host = at >= 0 ? mask[(at + 1)..] : "*";
        if (at >= 0 && bang > at)
        {
            return null;
        }

        nick = nick.Length == 0 ? "*" : nick;
        user = user.Length == 0 ? "*" : user;
        host = host.Length == 0 ? "*" : Host(host, ipv6PrefixLength) ?? host;
        return IsGlobName(nick) && !user.Contains('@') && !user.Contains('!') && !host.Contains('@') && !host.Contains('!') ? $"{nick}!{user}@{host}" : null;
    }

    // True when session is who mask is for.
    public static bool Matches(string mask, ChatSession session) =>
        Matches(mask, new Subject(session.Nick, session.Ident?.User, session.Account, session.Address));

    // True when subject (a connection as it is, or as it asks to be) is who mask is for.
    public static bool Matches(string mask, Subject subject)
    {
        if (mask.StartsWith(AccountPrefix, StringComparison.Ordinal))
        {
            return subject.Account is { } account && string.Equals(account, mask[AccountPrefix.Length..], StringComparison.OrdinalIgnoreCase);
        }

        var bang = mask.IndexOf('!', StringComparison.Ordinal);
        var at = mask.LastIndexOf('@');
        if (bang < 0 || at < bang)
        {
            return false;
        }

        return Glob.IsMatch(mask[..bang], subject.Nick)
            && Glob.IsMatch(mask[(bang + 1)..at], subject.User ?? subject.Nick)
            && HostMatches(mask[(at + 1)..], subject.Address);
    }

    // Who a mask is matched against: a nickname, the user name it gave (IRC's USER), its account and its address.
    public readonly record struct Subject(string Nick, string? User, string? Account, IPAddress Address);

    // Whether mask is for everyone: it matches every one of a spread of made-up users (any name, any address) of
    // IPv4 or of IPv6, as *!*@*, *, *!*@*.* and 0.0.0.0/0 do. A server-wide ban of it locks (nearly) everybody out.
    public static bool MatchesEveryone(string mask) =>
        EveryoneOn(AddressFamily.InterNetwork).All(subject => Matches(mask, subject))
        || EveryoneOn(AddressFamily.InterNetworkV6).All(subject => Matches(mask, subject));

    private static IEnumerable<Subject> EveryoneOn(AddressFamily family) => Everyone.Where(subject => subject.Address.AddressFamily == family);

    private static readonly Subject[] Everyone =
    [
        new("a", "a", "a", IPAddress.Parse("192.0.2.7")),
        new("Zed_9", "~zed", "zed", IPAddress.Parse("203.0.113.254")),
        new("guest12", "guest12", null, IPAddress.Loopback),
        new("B0b", "bob", "bob", IPAddress.Parse("10.1.2.3")),
        new("x-", null, null, IPAddress.Parse("2001:db8::1")),
        new("Q", "q", "q", IPAddress.Parse("fe80::2")),
        new("guest7", "guest7", null, IPAddress.IPv6Loopback),
    ];

    private static bool HostMatches(string host, IPAddress address)
    {
        var real = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
        if (host.Contains('/') && IPNetwork.TryParse(host, out var network))
        {
            return network.Contains(real);
        }

        return Glob.IsMatch(host, real.ToString());
    }

    // An address or network as stored: IPv6 as its block, a network in its canonical form; null when it is neither.
    private static string? Host(string text, int ipv6PrefixLength)
    {
        if (text.Contains('/'))
        {
            return IPNetwork.TryParse(text, out var network) ? network.ToString() : null;
        }

        if (!text.Contains('*') && !text.Contains('?') && (text.Contains(':') || text.Count(c => c == '.') == 3) && IPAddress.TryParse(text, out var address))
        {
            var block = AddressBlock.Of(address, ipv6PrefixLength);
            return block.AddressFamily == AddressFamily.InterNetworkV6 && ipv6PrefixLength < 128 ? $"{block}/{ipv6PrefixLength}" : block.ToString();
        }

        return null;
    }

    private static bool IsGlobName(string text) => text.Length <= ChatNames.MaxLength * 2 && ChatNames.IsValid(text.Replace('*', 'a').Replace('?', 'a'));
}
