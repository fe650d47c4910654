using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// Chat:Storage: where messages are kept.
internal sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    // The SQLite file; relative to Chat:DataDirectory.
    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a file")]
    public string Path { get; set; } = "messages.db";

    // With Provider=Redis: a StackExchange.Redis configuration string (127.0.0.1:6379,password=…).
    [RedisConfiguration]
    public string Redis { get; set; } = "127.0.0.1:6379";

    // With Provider=Redis: refuse to start (exit 2) when Redis cannot be reached, instead of retrying.
    public bool RequireAtStart { get; set; }

    // With Provider=Redis: acknowledge (and take as stored) a batch only once WAIT says this many replicas have it;
    // 0 acknowledges what the primary took.
    [Range(0, 16, ErrorMessage = "must be from {1} to {2} replicas")]
    public int WaitForReplicas { get; set; }
}
