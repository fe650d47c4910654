using System.Globalization;
using Microsoft.Extensions.Options;

namespace SocketChat.Server.Configuration;

// Refuses two listeners on one port when settings are checked, naming both keys (else the second bind fails).
internal sealed class PortsValidator : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions options)
    {
        (string Key, int? Port)[] ports =
        [
            ("Chat:Port", options.Port),
            ("Chat:Irc:Port", options.Irc.Port),
            ("Chat:Irc:TlsPort", options.Irc.TlsPort),
            ("Chat:Web:Port", options.Web.Port),
            ("Chat:Web:TlsPort", options.Web.TlsPort),
            ("Chat:Metrics:Port", options.Metrics.Port),
        ];
        var failures = new List<string>();
        for (var i = 1; i < ports.Length; i++)
        {
            // Port 0 is a free port picked for each listener: never a collision.
            if (ports[i].Port is { } port and not 0 && ports[..i].FirstOrDefault(earlier => earlier.Port == port) is { Key: { } other })
            {
                failures.Add($"{ports[i].Key}={port.ToString(CultureInfo.InvariantCulture)} is not allowed: {other} is {port.ToString(CultureInfo.InvariantCulture)} too; each listener needs a port of its own");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
