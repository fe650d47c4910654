using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

/// <summary><c>Chat:Auth</c>: accounts and logging in.</summary>
internal sealed class AuthOptions
{
    public AuthMode Mode { get; set; } = AuthMode.None;

    /// <summary>The accounts file, managed with <c>SocketChat.Server users …</c>; relative to <c>Chat:DataDirectory</c>.</summary>
    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a file")]
    public string UsersFile { get; set; } = "users.txt";

    /// <summary>Password mode: a connection that has not logged in this long after connecting is closed.</summary>
    [Range(1, 3600, ErrorMessage = "must be from {1} to {2} seconds")]
    public int LoginTimeoutSeconds { get; set; } = 60;

    /// <summary>Failed logins one address may make in a minute; further attempts from it wait.</summary>
    [Range(1, 1000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxFailuresPerMinute { get; set; } = 5;
}
