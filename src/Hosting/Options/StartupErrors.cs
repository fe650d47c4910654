using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;

namespace SocketChat.Hosting.Options;

// Turns the exceptions a bad setting causes at start into one line per problem, without a stack trace.
public static partial class StartupErrors
{
    // The exit code for a bad setting.
    public const int BadSettingExitCode = 2;

    // True when exception is a bad setting; lines then says what is wrong.
    public static bool TryDescribe(Exception exception, out IReadOnlyList<string> lines)
    {
        var collected = new List<string>();
        Describe(exception, collected);
        lines = collected;
        return collected.Count > 0;
    }

    private static void Describe(Exception exception, List<string> lines)
    {
        switch (exception)
        {
            case OptionsValidationException validation:
                lines.AddRange(validation.Failures);
                break;
            case AggregateException aggregate:
                foreach (var inner in aggregate.InnerExceptions)
                {
                    Describe(inner, lines);
                }

                break;
            case InvalidOperationException conversion when ConversionFailure().Match(conversion.Message) is { Success: true } match:
                lines.Add($"{match.Groups["key"].Value}={match.Groups["value"].Value} is not allowed: must be {Describe(match.Groups["type"].Value)}");
                break;
        }
    }

    private static string Describe(string typeName)
    {
        var type = Type.GetType(typeName) ?? AppDomain.CurrentDomain.GetAssemblies()
            .Select(assembly => assembly.GetType(typeName))
            .FirstOrDefault(found => found is not null);
        return type switch
        {
            { IsEnum: true } => $"one of {string.Join(", ", Enum.GetNames(type))}",
            _ when type == typeof(int) || type == typeof(long) => "a whole number",
            _ when type == typeof(bool) => "true or false",
            _ when type == typeof(double) => "a number",
            _ => $"a {typeName}",
        };
    }

    // The configuration binder's wording: Failed to convert configuration value 'abc' at 'Chat:Port' to type 'System.Int32'.
    [GeneratedRegex("Failed to convert configuration value '(?<value>.*)' at '(?<key>[^']+)' to type '(?<type>[^']+)'")]
    private static partial Regex ConversionFailure();
}
