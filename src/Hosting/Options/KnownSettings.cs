using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SocketChat.Hosting.Options;

// Every setting the server and the client read under Chat and Log. Both programs share
// appsettings.json, so each accepts the other's keys too, but a key neither reads (Chat:Prot) is refused at
// start, naming the closest known key, rather than silently ignored.
// Kept by hand; a test checks it against both programs' option classes, so it cannot drift.
public static class KnownSettings
{
    // The sections whose keys are checked; others (Serilog, Logging) belong to libraries.
    public static readonly IReadOnlyList<string> Sections = ["Chat", "Log"];

    public static readonly IReadOnlyList<string> Keys =
    [
        // Both programs.
        "Chat:Host", "Chat:Port",

        // The server.
        "Chat:MaxLineBytes", "Chat:MaxQueuedBytesPerClient", "Chat:MaxQueuedMessagesPerClient", "Chat:ListenBacklog",
        "Chat:ShutdownGraceSeconds", "Chat:SlowClientGraceSeconds", "Chat:ResumeWindowSeconds", "Chat:HistoryPerRoom",
        "Chat:Storage:Provider", "Chat:Storage:Path", "Chat:Storage:Redis", "Chat:Storage:RequireAtStart", "Chat:Storage:WaitForReplicas", "Chat:NodeName", "Chat:TrustedProxies",
        "Chat:History:OnJoin", "Chat:History:RetentionDays", "Chat:History:MaxMessagesPerRoom", "Chat:History:PruneIntervalMinutes",
        "Chat:DataDirectory",
        "Chat:Limits:MaxConnections", "Chat:Limits:MaxConnectionsPerIp", "Chat:Limits:MessagesPerSecond", "Chat:Limits:Burst",
        "Chat:Limits:FloodTimeoutSeconds", "Chat:Limits:IdleTimeoutSeconds", "Chat:Limits:Ipv6PrefixLength", "Chat:Limits:ExemptLoopback",
        "Chat:Limits:HeavyWorkAtOnce", "Chat:Limits:HeavyWorkPerClient", "Chat:Limits:ModerationPerMinute",
        "Chat:Auth:Mode", "Chat:Auth:UsersFile", "Chat:Auth:LoginTimeoutSeconds", "Chat:Auth:MaxFailuresPerMinute", "Chat:Auth:MaxSessionsPerAccount",
        "Chat:Tls:CertificatePath", "Chat:Tls:KeyPath", "Chat:Tls:CertificatePassword", "Chat:Tls:Required", "Chat:Tls:HandshakeTimeoutSeconds",
        "Chat:OperatorConsole", "Chat:HealthDetail", "Chat:DefaultRoom", "Chat:PresenceRoomSizeLimit",
        "Chat:Irc:Port", "Chat:Irc:TlsPort", "Chat:Irc:ServerName",
        "Chat:Web:Port", "Chat:Web:TlsPort", "Chat:Web:AllowedOrigins", "Chat:Web:AllowedHosts", "Chat:Metrics:Port",

        // The client.
        "Chat:PasswordFile", "Chat:Nick", "Chat:Device", "Chat:StateDirectory", "Chat:Servers", "Chat:MaxQueuedLines", "Chat:ConnectTimeoutSeconds",
        "Chat:Reconnect:FirstDelaySeconds", "Chat:Reconnect:MaxDelaySeconds", "Chat:Reconnect:Attempts",
        "Chat:Tls:Enabled", "Chat:Tls:CaPath", "Chat:Tls:AllowUntrusted", "Chat:Tls:ServerName",

        // Logging, both programs.
        "Log:Format", "Log:Path",
    ];

    // Sections whose keys are names the operator chooses (Chat:Operators:NAME=HASH).
    public static readonly IReadOnlyList<string> NamedSections = ["Chat:Operators"];

    private static readonly HashSet<string> Known = new(Keys, StringComparer.OrdinalIgnoreCase);

    // One line for each key under Sections that no program reads, naming its value and the closest
    // known key: Chat:Prot=9000 is not a setting; did you mean Chat:Port?
    public static IReadOnlyList<string> Unknown(IConfiguration configuration)
    {
        var lines = new List<string>();
        foreach (var section in Sections)
        {
            foreach (var (key, value) in configuration.GetSection(section).AsEnumerable().OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                // Sections themselves have no value; a known key's parent (Chat:Tls) is a section too.
                if (value is null || Known.Contains(key) || NamedSections.Any(named => key.StartsWith(named + ":", StringComparison.OrdinalIgnoreCase)))
                {
                    continue;
                }

                lines.Add(string.Create(CultureInfo.InvariantCulture, $"{key}={value} is not a setting; did you mean {Closest(key)}?"));
            }
        }

        return lines;
    }

    // Throws the error a bad setting causes (one line per unknown key, exit code 2) when there are unknown keys.
    public static void ThrowIfUnknown(IConfiguration configuration)
    {
        if (Unknown(configuration) is { Count: > 0 } lines)
        {
            throw new OptionsValidationException("Chat", typeof(KnownSettings), lines);
        }
    }

    internal static string Closest(string key) => Keys.MinBy(known => Distance(key.ToUpperInvariant(), known.ToUpperInvariant()))!;

    // Levenshtein distance: the fewest single-character edits from one to the other.
    private static int Distance(string from, string to)
    {
        var previous = new int[to.Length + 1];
        var current = new int[to.Length + 1];
        for (var j = 0; j <= to.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= from.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= to.Length; j++)
            {
                var substitution = previous[j - 1] + (from[i - 1] == to[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j], current[j - 1]) + 1);
            }

            (previous, current) = (current, previous);
        }

        return previous[to.Length];
    }
}
