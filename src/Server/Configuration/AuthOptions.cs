using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// Chat:Auth: accounts and logging in.
internal sealed class AuthOptions
{
    public AuthMode Mode { get; set; } = AuthMode.None;

    // The accounts file, managed with SocketChat.Server users …; relative to Chat:DataDirectory.
    [Required(AllowEmptyStrings = false, ErrorMessage = "must name a file")]
    public string UsersFile { get; set; } = "users.txt";

    // Password mode: a connection that has not logged in this long after connecting is closed.
    [Range(1, 3600, ErrorMessage = "must be from {1} to {2} seconds")]
    public int LoginTimeoutSeconds { get; set; } = 60;

    // Failed logins one address may make in a minute; further attempts from it wait.
    [Range(1, 1000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxFailuresPerMinute { get; set; } = 5;

    // Connections one account may have at once (its devices): a login beyond them takes the oldest one's place. 1
    // keeps one per account, a new login taking the earlier one's place.
    [Range(1, 1000, ErrorMessage = "must be from {1} to {2}")]
    public int MaxSessionsPerAccount { get; set; } = 10;
}
