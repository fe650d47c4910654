using System.ComponentModel.DataAnnotations;
using StackExchange.Redis;

namespace SocketChat.Server.Configuration;

// A StackExchange.Redis configuration string naming at least one server.
[AttributeUsage(AttributeTargets.Property)]
internal sealed class RedisConfigurationAttribute : ValidationAttribute
{
    public RedisConfigurationAttribute()
        : base("must be a StackExchange.Redis configuration string naming a server (127.0.0.1:6379,password=...)")
    {
    }

    public override bool IsValid(object? value)
    {
        if (value is not string configuration)
        {
            return false;
        }

        try
        {
            return ConfigurationOptions.Parse(configuration).EndPoints.Count > 0;
        }
        catch (ArgumentException)
        {
            // An unknown option, or a value of the wrong kind (connectTimeout=soon).
            return false;
        }
    }
}
