namespace SocketChat.Server.Configuration;

// Where the server's own files live.
internal static class ServerPaths
{
    // Chat:DataDirectory (relative to the program's directory, like Log:Path); unset, the state
    // directory systemd gives the service; run from a build in a clone (dotnet run), the user's data
    // directory (~/.local/share/socketchat), which a rebuild, another configuration or git clean
    // leaves alone; else data/ beside the program (an installed copy, the container's /app).
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

    // A configured file path, absolute or relative to the data directory.
    public static string Resolve(ChatOptions options, string path) => Path.GetFullPath(path, DataDirectory(options));

    public static string UsersFile(ChatOptions options) => Resolve(options, options.Auth.UsersFile);

    public static string StorageFile(ChatOptions options) => Resolve(options, options.Storage.Path);
}
