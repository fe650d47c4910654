using System.Globalization;

namespace SocketChat.Protocol.Commands;

/// <summary>One change of a room's modes: <c>+m</c>, <c>-i</c>, <c>+k KEY</c>, <c>+l 20</c>, <c>+o NICK</c>, <c>+b MASK</c>.</summary>
public sealed record ModeChange(char Flag, bool Adding, string? Argument = null)
{
    /// <inheritdoc/>
    public override string ToString() => $"{(Adding ? '+' : '-')}{Flag}{(Argument is null ? string.Empty : " " + Argument)}";
}

/// <summary>
/// IRC's channel mode changes, which SocketChat's <c>/mode</c> takes too: flags with signs, then the arguments of those
/// that take one, in order (<c>+ok-v bob secret carol</c>).
/// </summary>
public static class ChannelModes
{
    /// <summary>Modes without an argument.</summary>
    public const string Flags = "imnst";

    /// <summary>What a change may be, for error messages.</summary>
    public const string Rule = "+ or - then i, m, n, s, t, k KEY, l COUNT (+ only), o/v/q NICK, b [MASK]";

    /// <summary>The changes in <paramref name="text"/>, or null when it is not a valid change.</summary>
    public static IReadOnlyList<ModeChange>? Parse(string text)
    {
        var words = text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0][0] is not ('+' or '-'))
        {
            return null;
        }

        var arguments = new Queue<string>(words.Skip(1));
        var changes = new List<ModeChange>();
        var adding = true;
        var unkeyed = 0;
        foreach (var flag in words[0])
        {
            switch (flag)
            {
                case '+' or '-':
                    adding = flag == '+';
                    break;
                case var plain when Flags.Contains(plain):
                    changes.Add(new ModeChange(plain, adding));
                    break;
                case 'k' when adding && arguments.TryDequeue(out var key) && key.Length <= 32 && key.All(c => c > ' ' && c != ','):
                    changes.Add(new ModeChange('k', true, key));
                    break;
                case 'k' when !adding:
                    // IRC clients send the key with -k, or not: a word left over after the others is taken as it.
                    changes.Add(new ModeChange('k', false));
                    unkeyed++;
                    break;
                case 'l' when adding && arguments.TryDequeue(out var count)
                    && int.TryParse(count, NumberStyles.None, CultureInfo.InvariantCulture, out var limit) && limit is > 0 and <= 1_000_000:
                    changes.Add(new ModeChange('l', true, limit.ToString(CultureInfo.InvariantCulture)));
                    break;
                case 'l' when !adding:
                    changes.Add(new ModeChange('l', false));
                    break;
                case 'o' or 'v' or 'q' when arguments.TryDequeue(out var nick):
                    changes.Add(new ModeChange(flag, adding, nick));
                    break;
                case 'b':
                    changes.Add(new ModeChange('b', adding, arguments.TryDequeue(out var mask) ? mask : null));
                    break;
                default:
                    return null;
            }
        }

        return changes.Count == 0 || arguments.Count > unkeyed ? null : changes;
    }
}
