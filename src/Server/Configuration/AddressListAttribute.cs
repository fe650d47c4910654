using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SocketChat.Server.Configuration;

// Empty, or IP addresses and networks (10.0.0.0/8) separated by commas.
[AttributeUsage(AttributeTargets.Property)]
internal sealed class AddressListAttribute : ValidationAttribute
{
    public AddressListAttribute()
        : base("must be IP addresses or networks separated by commas (127.0.0.1,10.0.0.0/8,::1)")
    {
    }

    public override bool IsValid(object? value) => value is string list && TryParse(list, out _);

    // The networks in list (an address alone is a network of one).
    public static bool TryParse(string list, out IReadOnlyList<IPNetwork> networks)
    {
        var parsed = new List<IPNetwork>();
        networks = parsed;
        foreach (var entry in list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
            {
                parsed.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else if (IPNetwork.TryParse(entry, out var network))
            {
                parsed.Add(network);
            }
            else
            {
                return false;
            }
        }

        return true;
    }
}
