using System.ComponentModel.DataAnnotations;

namespace SocketChat.Hosting.Logging;

// The Log section: how the program writes its own log.
public sealed class LogOptions
{
    public const string SectionName = "Log";

    // text (readable, the default) or json (compact JSON, one event per line).
    [AllowedValues("text", "json", ErrorMessage = "must be text or json")]
    public string Format { get; set; } = "text";

    // A log file (rolled daily); relative paths are under the program's folder. Empty: no file.
    public string? Path { get; set; }
}
