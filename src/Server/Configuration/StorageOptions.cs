using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

/// <summary><c>Chat:Storage</c>: where messages are kept.</summary>
internal sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The SQLite file; relative to <c>Chat:DataDirectory</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a file")]
    public string Path { get; set; } = "messages.db";

    /// <summary>With <c>Provider=Redis</c>: a StackExchange.Redis configuration string (<c>127.0.0.1:6379,password=…</c>).</summary>
    [RedisConfiguration]
    public string Redis { get; set; } = "127.0.0.1:6379";

    /// <summary>With <c>Provider=Redis</c>: refuse to start (exit 2) when Redis cannot be reached, instead of retrying.</summary>
    public bool RequireAtStart { get; set; }
}
