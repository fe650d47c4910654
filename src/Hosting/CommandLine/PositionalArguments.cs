namespace SocketChat.Hosting.CommandLine;

// Keeps the seed's positional forms working: server 8080, client 127.0.0.1 8080.
public static class PositionalArguments
{
    // Rewrites the leading positional arguments as --KEY=VALUE switches for keys, in order.
    // A leading programWord (the seed's server or client) is skipped.
    public static string[] Expand(string[] args, string programWord, params string[] keys)
    {
        var start = args.Length > 0 && string.Equals(args[0], programWord, StringComparison.OrdinalIgnoreCase) ? 1 : 0;
        var result = new List<string>(args.Length);
        var next = 0;
        for (var i = start; i < args.Length; i++)
        {
            var arg = args[i];
            // A word right after a bare switch (--Chat:Port 9000) is that switch's value, not a positional argument.
            var afterBareSwitch = result.Count > 0 && result[^1].StartsWith('-') && !result[^1].Contains('=', StringComparison.Ordinal);
            var positional = next < keys.Length && !afterBareSwitch && !arg.StartsWith('-') && !arg.Contains('=', StringComparison.Ordinal);
            result.Add(positional ? $"--{keys[next++]}={arg}" : arg);
        }

        return [.. result];
    }
}
