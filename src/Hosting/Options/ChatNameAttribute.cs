using System.ComponentModel.DataAnnotations;
using SocketChat.Protocol.Text;

namespace SocketChat.Hosting.Options;

// A room or nickname that follows ChatNames.Rule; with AllowEmpty, also null or empty (not set).
[AttributeUsage(AttributeTargets.Property)]
public sealed class ChatNameAttribute : ValidationAttribute
{
    public ChatNameAttribute()
        : base($"must be {ChatNames.Rule}")
    {
    }

    public bool AllowEmpty { get; set; }

    public override bool IsValid(object? value) =>
        value is string name ? ChatNames.IsValid(name) || (AllowEmpty && name.Length == 0) : AllowEmpty && value is null;
}
