using Microsoft.Extensions.Configuration;
using SocketChat.Server.Operator;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests.Moderating;

// The bans subcommand in-process: what it reads, what it refuses to touch.
public sealed class BansCommandTests
{
    // Finding 13: a mistyped data directory read as "no bans" (exit 0, and an empty database created there).
    [Fact]
    public void BansList_MissingDataDirectory_ExitsTwoNamingItAndCreatesNothing()
    {
        using var parent = new TempDirectory();
        var missing = Path.Combine(parent.Path, "mistyped", "dir");
        var (code, output, error) = Run(["list"], missing);

        Assert.Equal(2, code);
        Assert.Equal(string.Empty, output);
        Assert.Equal($"Chat:DataDirectory={missing} does not exist: no server has kept its data there", error.TrimEnd());
        Assert.False(Directory.Exists(Path.Combine(parent.Path, "mistyped")));
    }

    [Fact]
    public void BansRemove_DirectoryWithoutAStore_ExitsTwoAndCreatesNoDatabase()
    {
        using var data = new TempDirectory();
        var (code, _, error) = Run(["remove", "mallory"], data.Path);

        Assert.Equal(2, code);
        Assert.Equal($"no message store at {Path.Combine(data.Path, "messages.db")}: Chat:DataDirectory={data.Path} holds no server's data", error.TrimEnd());
        Assert.Empty(Directory.EnumerateFileSystemEntries(data.Path));
    }

    private static (int Code, string Output, string Error) Run(string[] words, string dataDirectory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Chat:DataDirectory"] = dataDirectory }).Build();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = BansCommand.Run(words, room: null, configuration, options => ServerHost.CreateStore(options, export: true), output, error);
        return (code, output.ToString(), error.ToString());
    }
}
