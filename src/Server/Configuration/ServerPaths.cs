namespace SocketChat.Server.Configuration;

/// <summary>Where the server's own files live.</summary>
internal static class ServerPaths
{
    /// <summary>
    /// <c>Chat:DataDirectory</c> (relative to the program's directory, like <c>Log:Path</c>); unset, the state
    /// directory systemd gives the service, or <c>data/</c> beside the program.
    /// </summary>
    public static string DataDirectory(ChatOptions options)
    {
        if (options.DataDirectory is { Length: > 0 } configured)
        {
            return Path.GetFullPath(configured, AppContext.BaseDirectory);
        }

        // systemd sets STATE_DIRECTORY for StateDirectory=; several directories are separated by colons.
        return Environment.GetEnvironmentVariable("STATE_DIRECTORY") is { Length: > 0 } state
            ? state.Split(':')[0]
            : Path.Combine(AppContext.BaseDirectory, "data");
    }

    /// <summary>A configured file path, absolute or relative to the data directory.</summary>
    public static string Resolve(ChatOptions options, string path) => Path.GetFullPath(path, DataDirectory(options));

    public static string UsersFile(ChatOptions options) => Resolve(options, options.Auth.UsersFile);

    public static string StorageFile(ChatOptions options) => Resolve(options, options.Storage.Path);
}
