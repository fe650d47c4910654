using System.ComponentModel.DataAnnotations;

namespace SocketChat.Client.Configuration;

// Empty, or servers as host:port separated by commas.
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ServerListAttribute : ValidationAttribute
{
    public ServerListAttribute()
        : base("must be host:port entries separated by commas (chat1.example.org:8080,chat2.example.org:8080)")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string list || list.Length == 0
        || list.Split(',').All(entry => ServerAddress.TryParse(entry, defaultPort: 0, out _));
}
