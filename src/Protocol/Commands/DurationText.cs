using System.Globalization;

namespace SocketChat.Protocol.Commands;

/// <summary>How long a ban or mute lasts, as typed: a whole number and a unit (<c>30s</c>, <c>10m</c>, <c>2h</c>, <c>7d</c>, <c>4w</c>).</summary>
public static class DurationText
{
    /// <summary>The longest duration accepted.</summary>
    public static readonly TimeSpan Longest = TimeSpan.FromDays(3650);

    /// <summary>What is allowed, for error messages.</summary>
    public const string Rule = "a whole number and s, m, h, d or w (30m, 2h, 7d), at most 3650d";

    /// <summary>True when <paramref name="text"/> is a duration; false when it is not one at all.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        if (text.Length < 2 || !long.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.None, CultureInfo.InvariantCulture, out var count) || count <= 0)
        {
            return false;
        }

        double? seconds = char.ToLowerInvariant(text[^1]) switch
        {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            'w' => 7 * 86400,
            _ => null,
        };
        if (seconds is not { } unit || count * unit > Longest.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(count * unit);
        return true;
    }
}
