using System.Reflection;
using SocketChat.Hosting.Options;

namespace SocketChat.Hosting.CommandLine;

// What a program's command line asks for: its usage, its version, or to run. An argument it does not understand
// (a word past its positional ones, --port 9000, a switch of no section it reads) is refused, never ignored.
public static class ArgumentCheck
{
    // The sections a --Section:Key=value switch may set: ours, and the logging libraries'.
    private static readonly string[] Sections = [.. KnownSettings.Sections, "Serilog", "Logging"];

    // The Generic Host's own switches (--environment Development).
    private static readonly string[] HostKeys = ["environment", "contentRoot", "applicationName"];

    public static bool WantsHelp(string[] args) => args.Any(arg => arg is "--help" or "-h" or "-?");

    public static bool WantsVersion(string[] args) => args.Contains("--version");

    // "SocketChat.Server 0.21.0+abc1234": the program and the version it was built as.
    public static string Version(Assembly program) =>
        $"{program.GetName().Name} {program.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? program.GetName().Version?.ToString()}";

    // One line per argument of expanded (positional forms already turned into switches) that
    // is not a setting or one of switches; empty when every one is understood.
    public static IReadOnlyList<string> Problems(string[] expanded, params string[] switches)
    {
        var problems = new List<string>();
        for (var i = 0; i < expanded.Length; i++)
        {
            var arg = expanded[i];
            if (switches.Contains(arg))
            {
                continue;
            }

            var key = arg.StartsWith("--", StringComparison.Ordinal) ? arg[2..] : arg.StartsWith('/') ? arg[1..] : null;
            if (key is null)
            {
                problems.Add($"'{arg}' is not an argument this program takes (see --help)");
                continue;
            }

            var equals = key.IndexOf('=', StringComparison.Ordinal);
            var name = equals < 0 ? key : key[..equals];
            var colon = name.IndexOf(':', StringComparison.Ordinal);
            if (!HostKeys.Contains(name, StringComparer.OrdinalIgnoreCase) && (colon <= 0 || !Sections.Contains(name[..colon], StringComparer.OrdinalIgnoreCase)))
            {
                problems.Add($"'{arg}' is not an option; settings are given as --Section:Key=value, did you mean --{KnownSettings.Closest(name)}?");
            }

            // A bare switch takes the next word as its value.
            if (equals < 0 && i + 1 < expanded.Length)
            {
                i++;
            }
            else if (equals < 0)
            {
                problems.Add($"'{arg}' has no value; give it as {arg}=VALUE");
            }
        }

        return problems;
    }

    // Throws the error a bad setting causes (one line per problem, exit code 2) when there are problems.
    public static void ThrowIfAny(IReadOnlyList<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new Microsoft.Extensions.Options.OptionsValidationException("arguments", typeof(ArgumentCheck), problems);
        }
    }
}
