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
        origins = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (entry == "*")
            {
                origins = null;
                return true;
            }

            if (!Uri.TryCreate(entry, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
                || uri.PathAndQuery != "/" || entry.EndsWith('/') || uri.UserInfo.Length > 0)
            {
                return false;
            }

            origins.Add(uri.GetLeftPart(UriPartial.Authority));
        }

        return true;
    }
}
