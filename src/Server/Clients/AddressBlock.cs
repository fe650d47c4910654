using System.Net;
using System.Net.Sockets;

namespace SocketChat.Server.Clients;

// What per-address limits count by. An IPv4 address is one client; an IPv6 client usually holds a whole /64 (and
// can pick any address in it), so IPv6 addresses are counted by their first Chat:Limits:Ipv6PrefixLength
// bits. IPv4 addresses seen through a dual-mode socket (::ffff:a.b.c.d) count as the IPv4 address they are.
internal static class AddressBlock
{
    // The key address is counted under: itself for IPv4, its prefix (host bits zeroed) for IPv6.
    public static IPAddress Of(IPAddress address, int ipv6PrefixLength)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4();
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6 || ipv6PrefixLength >= 128)
        {
            return address;
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        var whole = ipv6PrefixLength / 8;
        if (whole < 16)
        {
            bytes[whole] &= (byte)(0xFF << (8 - (ipv6PrefixLength % 8)));
            bytes[(whole + 1)..].Clear();
        }

        return new IPAddress(bytes);
    }

    // How a block is named to its user: the address, or the IPv6 prefix (2001:db8:1:2::/64).
    public static string Describe(IPAddress block, int ipv6PrefixLength) =>
        block.AddressFamily == AddressFamily.InterNetworkV6 && ipv6PrefixLength < 128 ? $"{block}/{ipv6PrefixLength}" : block.ToString();
}
