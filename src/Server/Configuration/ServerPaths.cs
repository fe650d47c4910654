namespace SocketChat.Server.Configuration;

/// <summary>Where the server's own files live.</summary>
internal static class ServerPaths
{
    /// <summary>
    /// <c>Chat:DataDirectory</c> (relative to the program's directory, like <c>Log:Path</c>); unset, the state
    /// directory systemd gives the service; run from a build in a clone (<c>dotnet run</c>), the user's data
    /// directory (<c>~/.local/share/socketchat</c>), which a rebuild, another configuration or <c>git clean</c>
    /// leaves alone; else <c>data/</c> beside the program (an installed copy, the container's <c>/app</c>).
    /// </summary>
    public static string DataDirectory(ChatOptions options)
    {
        if (options.DataDirectory is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, AppContext.BaseDirectory);
        }

        // systemd sets STATE_DIRECTORY for StateDirectory=; several directories are separated by colons.
        if (Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } state)
        {
            return state.Split(':')[0];
        }

        return InAClone() && UserDataHome() is { } home
            ? Path.Combine(home, "socketchat")
            : Path.Combine(AppContext.BaseDirectory, "data");
    }

    // The program is a build output under a source tree (src/Server/bin/Debug/net10.0 below SocketChat.sln).
    private static bool InAClone()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SocketChat.sln")))
            {
                return true;
            }
        }

        return false;
    }

    // $XDG_DATA_HOME, else ~/.local/share; null for a user with no home (a system account).
    private static string? UserDataHome() =>
        Environment.GetEnvironmentVariable("XDG_DATA_HOME") is { Length: > 0 } xdg ? xdg
        : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) is { Length: > 0 } home && home != "/" ? Path.Combine(home, ".local", "share")
        : null;

    /// <summary>A configured file path, absolute or relative to the data directory.</summary>
    public static string Resolve(ChatOptions options, string path) => Path.GetFullPath(path, DataDirectory(options));

    public static string UsersFile(ChatOptions options) => Resolve(options, options.Auth.UsersFile);

    public static string StorageFile(ChatOptions options) => Resolve(options, options.Storage.Path);
}
