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
        var parsed = new List<string>();
        names = parsed;
        foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry == "*")
            {
                names = null;
                return true;
            }

            var name = entry.StartsWith("*.", StringComparison.Ordinal) ? entry[2..] : entry;
            if (Uri.CheckHostName(name) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                return false;
            }

            parsed.Add(entry.ToLowerInvariant());
        }

        return true;
    }
}
