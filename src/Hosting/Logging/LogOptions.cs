using System.ComponentModel.DataAnnotations;

namespace SocketChat.Hosting.Logging;

/// <summary>The <c>Log</c> section: how the program writes its own log.</summary>
public sealed class LogOptions
{
    public const string SectionName = "Log";

    /// <summary><c>text</c> (readable, the default) or <c>json</c> (compact JSON, one event per line).</summary>
    [AllowedValues("text", "json", ErrorMessage = "must be text or json")]
    public string Format { get; set; } = "text";

    /// <summary>A log file (rolled daily); relative paths are under the program's folder. Empty: no file.</summary>
    public string? Path { get; set; }
}
