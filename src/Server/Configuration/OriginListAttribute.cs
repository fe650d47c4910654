using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// A comma-separated list of web origins (scheme://host[:port], nothing after), or *.
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OriginListAttribute() : ValidationAttribute("must be * or a comma-separated list of origins such as https://chat.example.org or http://localhost:8081")
{
    public override bool IsValid(object? value) => value is not string list || TryParse(list, out _);

    // The origins as browsers send them (lower case, no trailing slash); null for any.
    public static bool TryParse(string list, out HashSet<string>? origins)
    {
        var valid = SettingList.TryParse(list, anyAllowed: true, static (string entry, out string origin) =>
        {
            var ok = Uri.TryCreate(entry, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                && uri.PathAndQuery == "/" && !entry.EndsWith('/') && uri.UserInfo.Length == 0;
            origin = ok ? uri!.GetLeftPart(UriPartial.Authority) : string.Empty;
            return ok;
        }, out var parsed);
        origins = parsed is null ? null : new HashSet<string>(parsed, StringComparer.OrdinalIgnoreCase);
        return valid;
    }
}
