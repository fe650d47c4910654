using System.Globalization;
using System.Text;

namespace SocketChat.Server.Storage;

// Words as search compares them, alike in every store: runs of letters and digits, lower-cased, accents aside (as
// SQLite FTS5's unicode61 tokenizer with remove_diacritics does), so "Café" is found by "cafe".
internal static class SearchWords
{
    // How many messages one search reads at most, newest first, and how many at a time: a store keeps no text index
    // (it would cost every message stored), so a search costs what it reads.
    public const int Scan = 100_000;
    public const int Page = 2_000;

    // Latin letters with accents (U+00C0 to U+024F) and their base letters, in step: without ICU (the server runs
    // with invariant globalization) string.Normalize cannot take accents off.
    private const string Accented = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽžƠơƯưǍǎǏǐǑǒǓǔǕǖǗǘǙǚǛǜǞǟǠǡǦǧǨǩǪǫǬǭǰǴǵǸǹǺǻȀȁȂȃȄȅȆȇȈȉȊȋȌȍȎȏȐȑȒȓȔȕȖȗȘșȚțȞȟȦȧȨȩȪȫȬȭȮȯȰȱȲȳ";
    private const string Bases = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZzOoUuAaIiOoUuUuUuUuUuAaAaGgKkOoOojGgNnAaAaAaEeEeIiIiOoOoRrRrUuUuSsTtHhAaEeOoOoOoOoYy";

    // The words of text, in order, each once.
    public static IReadOnlyList<string> Of(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        foreach (var c in text)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) == UnicodeCategory.NonSpacingMark)
            {
                continue;
            }

            if (char.IsLetterOrDigit(c))
            {
                var at = c >= '\u00C0' ? Accented.IndexOf(c, StringComparison.Ordinal) : -1;
                word.Append(char.ToLowerInvariant(at >= 0 ? Bases[at] : c));
            }
            else if (word.Length > 0)
            {
                Add(words, word);
            }
        }

        if (word.Length > 0)
        {
            Add(words, word);
        }

        return words;
    }

    // True when text has every one of words (as Of makes them).
    public static bool Matches(string text, IReadOnlyList<string> words)
    {
        var found = Of(text);
        return words.All(found.Contains);
    }

    private static void Add(List<string> words, StringBuilder word)
    {
        var done = word.ToString();
        if (!words.Contains(done))
        {
            words.Add(done);
        }

        word.Clear();
    }
}
