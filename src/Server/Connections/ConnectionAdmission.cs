using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.Options;
using SocketChat.Server.Clients;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Connections;

// Decides whether a new connection may stay: the server-wide and per-address connection limits.
internal sealed class ConnectionAdmission(IOptions<ChatOptions> options)
{
    private readonly ConcurrentDictionary<IPAddress, int> _perAddress = new();
    private int _total;

    // Admits the connection, or returns why not. Every admitted connection must be Released with the
    // same arguments. total: whether it counts towards MaxConnections; a null
    // address: towards no address's limit. A web port's TCP connection counts in both when it
    // comes straight from its client, and in the total only from a trusted balancer (whose connections carry many
    // clients: each is counted by its forwarded address, address only, when its WebSocket opens).
    public string? TryAdmit(IPAddress? address, bool total = true)
    {
        var limits = options.Value.Limits;
        if (total && Interlocked.Increment(ref _total) > limits.MaxConnections)
        {
            Interlocked.Decrement(ref _total);
            return $"the server is full ({limits.MaxConnections} connections); try again later";
        }

        if (address is null)
        {
            return null;
        }

        var block = AddressBlock.Of(address, limits.Ipv6PrefixLength);
        var count = _perAddress.AddOrUpdate(block, 1, static (_, current) => current + 1);
        if (count > limits.MaxConnectionsPerIp && !IsExempt(address, limits))
        {
            Release(address, total);
            return block.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6
                ? $"too many connections from your network {AddressBlock.Describe(block, limits.Ipv6PrefixLength)} (at most {limits.MaxConnectionsPerIp})"
                : $"too many connections from your address (at most {limits.MaxConnectionsPerIp})";
        }

        return null;
    }

    public void Release(IPAddress? address, bool total = true)
    {
        if (total)
        {
            Interlocked.Decrement(ref _total);
        }

        if (address is null)
        {
            return;
        }

        var block = AddressBlock.Of(address, options.Value.Limits.Ipv6PrefixLength);

        // Remove the entry when it reaches zero so the table does not grow with every address ever seen.
        while (_perAddress.TryGetValue(block, out var count))
        {
            if (count <= 1 ? _perAddress.TryRemove(new KeyValuePair<IPAddress, int>(block, count)) : _perAddress.TryUpdate(block, count - 1, count))
            {
                return;
            }
        }
    }

    public static bool IsExempt(IPAddress address, LimitsOptions limits) => limits.ExemptLoopback && IPAddress.IsLoopback(address);

    // The peer's address, with IPv4 peers of a dual-mode listener as plain IPv4.
    public static IPAddress AddressOf(EndPoint? endPoint) => endPoint switch
    {
        IPEndPoint { Address.IsIPv4MappedToIPv6: true } ip => ip.Address.MapToIPv4(),
        IPEndPoint ip => ip.Address,
        _ => IPAddress.None,
    };
}
