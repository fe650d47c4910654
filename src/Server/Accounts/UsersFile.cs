using System.Diagnostics;
using System.Text;
using SocketChat.Protocol.Text;

namespace SocketChat.Server.Accounts;

// An account: its name as written, its password's hash, and whether it is a server operator.
internal sealed record UserAccount(string Name, string Hash, bool Operator = false);

// The accounts file: one NAME:HASH line per account (see PasswordHasher), NAME:HASH:operator for a server
// operator, # comments.
// Written whole to a temporary file and renamed over the old one, readable by its owner only.
internal static class UsersFile
{
    private const string Header = "# SocketChat accounts, managed with: SocketChat.Server users add|passwd|remove|list";

    // The accounts by name (case-insensitive); empty when the file does not exist yet.
    // Throws InvalidDataException: A line is malformed; the message names the line.
    public static Dictionary<string, UserAccount> Read(string path)
    {
        var accounts = new Dictionary<string, UserAccount>(StringComparer.OrdinalIgnoreCase);
        if (!File.Exists(path))
        {
            return accounts;
        }

        var number = 0;
        foreach (var raw in File.ReadLines(path))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon < 0 ? line : line[..colon];
            var hash = colon < 0 ? string.Empty : line[(colon + 1)..];
            var second = hash.IndexOf(':', StringComparison.Ordinal);
            var role = second >= 0 ? hash[(second + 1)..] : null;
            hash = second >= 0 ? hash[..second] : hash;
            if (!ChatNames.IsValid(name) || !PasswordHasher.IsWellFormed(hash) || role is not (null or "operator"))
            {
                throw new InvalidDataException($"line {number} is not NAME:{PasswordHasher.Scheme}$ITERATIONS$SALT$HASH (with at least {PasswordHasher.Iterations} iterations), then :operator for a server operator");
            }

            if (!accounts.TryAdd(name, new UserAccount(name, hash, role == "operator")))
            {
                throw new InvalidDataException($"line {number}: {name} appears twice");
            }
        }

        return accounts;
    }

    public static void Write(string path, IEnumerable<(string Name, string Hash)> accounts) =>
        Write(path, accounts.Select(account => new UserAccount(account.Name, account.Hash)));

    public static void Write(string path, IEnumerable<UserAccount> accounts)
    {
        var directory = Path.GetDirectoryName(path)!;
        Directory.CreateDirectory(directory);
        var temporary = Path.Combine(directory, $".{Path.GetFileName(path)}.{Environment.ProcessId}.tmp");
        var text = new StringBuilder(Header).Append('\n');
        foreach (var (name, hash, isOperator) in accounts.OrderBy(account => account.Name, StringComparer.OrdinalIgnoreCase))
        {
            text.Append(name).Append(':').Append(hash).Append(isOperator ? ":operator" : string.Empty).Append('\n');
        }

        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            stream.Write(Encoding.UTF8.GetBytes(text.ToString()));
            stream.Flush(flushToDisk: true);
        }

        KeepDirectoryOwner(temporary, directory);
        File.Move(temporary, path, overwrite: true);
    }

    // Root managing a service's file (sudo SocketChat.Server users add …) must leave it readable by the service,
    // which owns the directory: give the file the directory's owner, as the service would have written it.
    private static void KeepDirectoryOwner(string file, string directory)
    {
        if (!Environment.IsPrivilegedProcess || OperatingSystem.IsWindows())
        {
            return;
        }

        using var chown = Process.Start(new ProcessStartInfo("chown", ["--reference=" + directory, file]) { UseShellExecute = false });
        chown?.WaitForExit();
    }
}
