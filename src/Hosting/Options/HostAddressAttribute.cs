using System.ComponentModel.DataAnnotations;
using System.Net;

namespace SocketChat.Hosting.Options;

// A listen address: * (every interface, IPv4 and IPv6), an IP address, or a host name.
[AttributeUsage(AttributeTargets.Property)]
public sealed class HostAddressAttribute : ValidationAttribute
{
    public HostAddressAttribute()
        : base("must be *, an IP address or a host name")
    {
    }

    public override bool IsValid(object? value) =>
        value is string host && (host is "*" || IPAddress.TryParse(host, out _) || Uri.CheckHostName(host) == UriHostNameType.Dns);
}
