using System.ComponentModel.DataAnnotations;
using SocketChat.Protocol.Text;

namespace SocketChat.Server.Configuration;

/// <summary>A room or nickname that follows <see cref="ChatNames.Rule"/>.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class ChatNameAttribute : ValidationAttribute
{
    public ChatNameAttribute()
        : base($"must be {ChatNames.Rule}")
    {
    }

    public override bool IsValid(object? value) => value is string name && ChatNames.IsValid(name);
}
