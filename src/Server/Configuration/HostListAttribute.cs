using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// A comma-separated list of host names (chat.example.org, *.example.org), or *.
[AttributeUsage(AttributeTargets.Property)]
internal sealed class HostListAttribute() : ValidationAttribute("must be * or a comma-separated list of host names such as chat.example.org or *.example.org")
{
    public override bool IsValid(object? value) => value is not string list || TryParse(list, out _);

    // The names, lower case (a leading *. kept: any name under it); null for any host.
    public static bool TryParse(string list, out IReadOnlyList<string>? names)
    {
        var valid = SettingList.TryParse(list, anyAllowed: true, static (string entry, out string name) =>
        {
            name = entry.ToLowerInvariant();
            return Uri.CheckHostName(entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;
        }, out var parsed);
        names = parsed;
        return valid;
    }
}
