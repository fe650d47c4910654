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
        var valid = SettingList.TryParse(list, anyAllowed: false, static (string entry, out IPNetwork network) =>
        {
            if (IPAddress.TryParse(entry, out var address) && !entry.Contains('/', StringComparison.Ordinal))
            {
                network = new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128);
                return true;
            }

            return IPNetwork.TryParse(entry, out network);
        }, out var parsed);
        networks = parsed ?? [];
        return valid;
    }
}
