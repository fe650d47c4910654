using Microsoft.Extensions.Configuration;
using SocketChat.Hosting.Terminal;
using SocketChat.Protocol.Text;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Accounts;

// SocketChat.Server users add|passwd|remove|list|op|deop [NAME]: manages Chat:Auth:UsersFile. A running
// server notices the change by itself. Passwords are read without echo (or as one line from a pipe).
internal static class UsersCommand
{
    public const string Word = "users";
    public const int MinimumPasswordLength = 8;
    private const int UsageExitCode = 2;

    private const string Usage = """
        usage: SocketChat.Server users add NAME      add an account (asks for its password)
               SocketChat.Server users add --operator NAME
                                                     add a server operator's account
               SocketChat.Server users op|deop NAME  make an account a server operator, or no longer
               SocketChat.Server users passwd NAME   change an account's password
               SocketChat.Server users remove NAME   remove an account (its connections are closed)
               SocketChat.Server users list          list the accounts
        settings such as --Chat:DataDirectory=DIR or --Chat:Auth:UsersFile=PATH may follow
        """;

    // The subcommand's own words (verb, name) at the front of the arguments; the rest are settings.
    public static (string[] Words, string[] Settings) Split(string[] args)
    {
        var words = args.Skip(1).TakeWhile(arg => !arg.StartsWith('-') || arg == "--operator").ToArray();
        return (words, args.Skip(1 + words.Length).ToArray());
    }

    public static int Run(string[] words, IConfiguration configuration, ITerminal terminal, TextWriter output, TextWriter error)
    {
        var options = ChatOptions.Read(configuration);

        var path = ServerPaths.UsersFile(options);
        Dictionary<string, UserAccount> accounts;
        try
        {
            accounts = UsersFile.Read(path);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot read {path}: {ex.Message}");
            return 1;
        }

        var makeOperator = words is ["add", "--operator", _];
        if (makeOperator)
        {
            words = ["add", words[2]];
        }

        switch (words)
        {
            case ["list"]:
                foreach (var account in accounts.Values.OrderBy(account => account.Name, StringComparer.OrdinalIgnoreCase))
                {
                    output.WriteLine(account.Operator ? $"{account.Name} (operator)" : account.Name);
                }

                return 0;
            case ["op" or "deop", var name] when accounts.TryGetValue(name, out var account):
                accounts[account.Name] = account with { Operator = words[0] == "op" };
                return Save(path, accounts, $"{account.Name} is {(words[0] == "op" ? "now" : "no longer")} a server operator", output, error);
            case ["op" or "deop", var name]:
                error.WriteLine($"no account {name} in {path}");
                return 1;
            case ["add" or "passwd" or "remove", var name] when !ChatNames.IsValid(name) || string.Equals(name, ChatNames.Server, StringComparison.OrdinalIgnoreCase):
                error.WriteLine($"invalid account name {name}: use {ChatNames.Rule} (not \"{ChatNames.Server}\")");
                return UsageExitCode;
            case ["add", var name] when accounts.ContainsKey(name):
                error.WriteLine($"{accounts[name].Name} already exists in {path}; change its password with: users passwd {accounts[name].Name}");
                return 1;
            case ["passwd" or "remove", var name] when !accounts.ContainsKey(name):
                error.WriteLine($"no account {name} in {path}");
                return 1;
            case ["add" or "passwd", var name]:
                if (AskPassword(terminal, error) is not { } password)
                {
                    return 1;
                }

                var stored = accounts.TryGetValue(name, out var existing) ? existing.Name : name;
                accounts[stored] = new UserAccount(stored, PasswordHasher.Hash(password), existing?.Operator ?? makeOperator);
                return Save(path, accounts, $"{(existing is null ? "added" : "changed the password of")} {stored}", output, error);
            case ["remove", var name]:
                var removed = accounts[name].Name;
                accounts.Remove(name);
                return Save(path, accounts, $"removed {removed}", output, error);
            default:
                error.WriteLine(Usage);
                return UsageExitCode;
        }
    }

    private static string? AskPassword(ITerminal terminal, TextWriter error)
    {
        var password = SecretInput.Read(terminal, "Password: ");
        if (password is null || password.Length < MinimumPasswordLength)
        {
            error.WriteLine($"the password must be at least {MinimumPasswordLength} characters; nothing changed");
            return null;
        }

        if (!terminal.IsInputRedirected && SecretInput.Read(terminal, "Repeat it: ") != password)
        {
            error.WriteLine("the passwords differ; nothing changed");
            return null;
        }

        return password;
    }

    private static int Save(string path, Dictionary<string, UserAccount> accounts, string done, TextWriter output, TextWriter error)
    {
        try
        {
            UsersFile.Write(path, accounts.Values);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"cannot write {path}: {ex.Message}");
            return 1;
        }

        output.WriteLine($"{done} in {path}");
        return 0;
    }
}
