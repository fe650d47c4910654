namespace SocketChat.TestSupport;

// The checkout the tests were built from, for tests of files that ship (unit files, Dockerfile).
public static class RepositoryRoot
{
    public static string Path { get; } = Find();

    public static string File(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    private static string Find()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(directory.FullName, "SocketChat.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no SocketChat.sln above {AppContext.BaseDirectory}");
    }
}
