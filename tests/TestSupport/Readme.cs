namespace SocketChat.TestSupport;

// The commands README.md tells a user to run, so tests run them exactly as written.
public static class Readme
{
    private static readonly Lazy<List<string>> Commands = new(ReadCommands);

    // The one command in the README's sh blocks that starts with prefix, with its continuation lines joined.
    public static string Command(string prefix)
    {
        var found = Commands.Value.Where(command => command.StartsWith(prefix, StringComparison.Ordinal)).ToList();
        return found.Count == 1
            ? found[0]
            : throw new InvalidOperationException($"README.md has {found.Count} commands starting with \"{prefix}\"");
    }

    private static List<string> ReadCommands()
    {
        var commands = new List<string>();
        var inShell = false;
        string? pending = null;
        foreach (var line in File.ReadLines(RepositoryRoot.File("README.md")))
        {
            if (line.StartsWith("```", StringComparison.Ordinal))
            {
                inShell = !inShell && line.Trim() == "```sh";
                continue;
            }

            if (!inShell)
            {
                continue;
            }

            var joined = pending is null ? line : pending + " " + line.Trim();
            if (joined.EndsWith('\\'))
            {
                pending = joined[..^1].TrimEnd();
                continue;
            }

            pending = null;
            commands.Add(joined);
        }

        return commands;
    }
}
