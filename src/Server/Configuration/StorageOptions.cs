using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

/// <summary><c>Chat:Storage</c>: where messages are kept.</summary>
internal sealed class StorageOptions
{
    public StorageProvider Provider { get; set; } = StorageProvider.Sqlite;

    /// <summary>The SQLite file; relative to <c>Chat:DataDirectory</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a file")]
    public string Path { get; set; } = "messages.db";
}
