using Microsoft.Extensions.Configuration;
using SocketChat.Hosting.Terminal;
using SocketChat.Server.Accounts;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class UsersCommandTests : IDisposable
{
    private readonly TempDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void Add_AtATerminal_AsksTwiceWithoutEcho_StoresOnlyASaltedHash()
    {
        var terminal = new ScriptedTerminal(redirected: false, "s3cret pass\r", "s3cret pass\r");
        var (code, output, error) = Run(terminal, "add", "alice");

        Assert.Equal((0, $"added alice in {_data.File("users.txt")}\n", string.Empty), (code, output, error));
        Assert.Equal("Password: \nRepeat it: \n", terminal.Written.Replace("\r\n", "\n", StringComparison.Ordinal));
        var stored = File.ReadAllText(_data.File("users.txt"));
        Assert.DoesNotContain("s3cret", stored, StringComparison.Ordinal);
        Assert.Matches(@"\nalice:pbkdf2-sha256\$600000\$[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}\n$", stored);
        Assert.True(PasswordHasher.Verify("s3cret pass", stored.Split('\n')[1]["alice:".Length..]));
        Assert.False(PasswordHasher.Verify("s3cret pasS", stored.Split('\n')[1]["alice:".Length..]));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_data.File("users.txt")));
        }
    }

    [Fact]
    public void Add_RepeatDiffers_NothingChanged()
    {
        var (code, _, error) = Run(new ScriptedTerminal(redirected: false, "first one!\r", "second one\r"), "add", "alice");

        Assert.Equal((1, "the passwords differ; nothing changed\n"), (code, error));
        Assert.False(File.Exists(_data.File("users.txt")));
    }

    [Fact]
    public void AddFromPipe_ThenListPasswdRemove_EachSaysWhatItDid()
    {
        Assert.Equal(0, Run(new ScriptedTerminal(redirected: true, "password-one"), "add", "bob").Code);
        Assert.Equal(0, Run(new ScriptedTerminal(redirected: true, "password-two"), "add", "alice").Code);
        Assert.Equal((1, $"alice already exists in {_data.File("users.txt")}; change its password with: users passwd alice\n"),
            Tail(Run(new ScriptedTerminal(redirected: true, "password-3"), "add", "ALICE")));
        Assert.Equal("alice\nbob\n", Run(new ScriptedTerminal(redirected: true), "list").Output);
        Assert.Equal($"changed the password of bob in {_data.File("users.txt")}\n", Run(new ScriptedTerminal(redirected: true, "password-new"), "passwd", "bob").Output);
        Assert.Equal($"removed alice in {_data.File("users.txt")}\n", Run(new ScriptedTerminal(redirected: true), "remove", "alice").Output);
        Assert.Equal("bob\n", Run(new ScriptedTerminal(redirected: true), "list").Output);
        Assert.Equal((1, $"no account alice in {_data.File("users.txt")}\n"), Tail(Run(new ScriptedTerminal(redirected: true), "remove", "alice")));
    }

    [Theory]
    [InlineData("short", "the password must be at least 8 characters; nothing changed\n", 1)]
    [InlineData(null, "the password must be at least 8 characters; nothing changed\n", 1)]
    public void Add_PasswordTooShortOrMissing_Refused(string? password, string expected, int code)
    {
        var terminal = password is null ? new ScriptedTerminal(redirected: true) : new ScriptedTerminal(redirected: true, password);

        Assert.Equal((code, expected), Tail(Run(terminal, "add", "alice")));
    }

    [Theory]
    [InlineData("add", "9lives")]
    [InlineData("add", "server")]
    public void Add_InvalidName_Exit2(string verb, string name)
    {
        var (code, _, error) = Run(new ScriptedTerminal(redirected: true, "long enough"), verb, name);

        Assert.Equal(2, code);
        Assert.StartsWith($"invalid account name {name}: use ", error, StringComparison.Ordinal);
    }

    [Fact]
    public void NoVerb_Usage_Exit2()
    {
        var (code, _, error) = Run(new ScriptedTerminal(redirected: true));

        Assert.Equal(2, code);
        Assert.StartsWith("usage: SocketChat.Server users add NAME", error, StringComparison.Ordinal);
    }

    private static (int Code, string Error) Tail((int Code, string Output, string Error) result) => (result.Code, result.Error);

    private (int Code, string Output, string Error) Run(ScriptedTerminal terminal, params string[] words)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Chat:DataDirectory"] = _data.Path }).Build();
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = UsersCommand.Run(words, configuration, terminal, output, error);
        return (code, output.ToString(), error.ToString());
    }

    // A terminal whose typed keys (or piped lines) are given up front.
    private sealed class ScriptedTerminal(bool redirected, params string[] typed) : ITerminal
    {
        private readonly Queue<string> _lines = new(typed);
        private readonly Queue<char> _keys = new(string.Concat(typed));
        private readonly System.Text.StringBuilder _written = new();

        public bool IsInputRedirected => redirected;

        public bool IsOutputRedirected => redirected;

        public bool IsForeground => !redirected;

        public string Written => _written.ToString();

        public string? ReadLine() => _lines.TryDequeue(out var line) ? line : null;

        public ConsoleKeyInfo ReadKey()
        {
            var c = _keys.Dequeue();
            return new ConsoleKeyInfo(c, c == '\r' ? ConsoleKey.Enter : ConsoleKey.A, false, false, false);
        }

        public void Write(string text) => _written.Append(text);
    }
}
