namespace SocketChat.Server.Configuration;

// A setting that lists entries separated by commas (spaces around them and empty entries ignored), where "*" may
// stand for any: the one loop the list settings share, each giving how one entry is read.
internal static class SettingList
{
    public delegate bool TryEntry<T>(string entry, out T value);

    // False at the first entry that is not valid. With anyAllowed, "*" anywhere means any: parsed is then null.
    public static bool TryParse<T>(string list, bool anyAllowed, TryEntry<T> entry, out List<T>? parsed)
    {
        var entries = new List<T>();
        parsed = entries;
        foreach (var text in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (anyAllowed && text == "*")
            {
                parsed = null;
                return true;
            }

            if (!entry(text, out var value))
            {
                return false;
            }

            entries.Add(value);
        }

        return true;
    }
}
