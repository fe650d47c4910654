using System.Net;
using Microsoft.AspNetCore.Http;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Web;

// The names the web port answers to (Chat:Web:AllowedHosts). A page on another site whose name an attacker
// points at this machine (DNS rebinding) sends its own name as Host, and its origin would pass the origin check,
// which compares the Origin with that Host: refused here first. An address is always answered (no page can rebind
// one); by default so are localhost, this machine's name and Chat:Host when it is a name. A request naming no host
// (HTTP/1.0, as a balancer's health check sends it) is answered too: a browser always names one, so no page sends it.
internal sealed class AllowedHosts(IReadOnlyList<string>? names)
{
    public static AllowedHosts From(ChatOptions options)
    {
        if (!HostListAttribute.TryParse(options.Web.AllowedHosts, out var configured) || configured is null)
        {
            return new AllowedHosts(null);
        }

        if (configured.Count > 0)
        {
            return new AllowedHosts(configured);
        }

        List<string> defaults = ["localhost", Dns.GetHostName().ToLowerInvariant()];
        if (Uri.CheckHostName(options.Host) == UriHostNameType.Dns)
        {
            defaults.Add(options.Host.ToLowerInvariant());
        }

        return new AllowedHosts(defaults);
    }

    public bool Allows(HostString host)
    {
        if (names is null || !host.HasValue || IPAddress.TryParse(host.Host.Trim('[', ']'), out _))
        {
            return true;
        }

        var name = host.Host.TrimEnd('.').ToLowerInvariant();
        return names.Any(allowed => allowed.StartsWith("*.", StringComparison.Ordinal)
            ? name.EndsWith(allowed[1..], StringComparison.Ordinal) || name == allowed[2..]
            : name == allowed);
    }
}
