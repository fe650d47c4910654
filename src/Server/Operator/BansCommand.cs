using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;
using SocketChat.Server.Configuration;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Operator;

// SocketChat.Server bans list|remove [MASK] [--room ROOM]: the bans and mutes the log holds, as a server starting now
// would apply them, and lifting one with nobody online: an unban entry appended to the log like any other (an audit
// trail of who lifted it: "console"). With SQLite the server must be stopped (it holds the data directory; a running
// one lifts a ban with /unban); a cluster's log in Redis takes it while nodes run, and they apply it at once.
internal static class BansCommand
{
    public const string Word = "bans";
    private const int UsageExitCode = 2;

    private const string Usage = """
        usage: SocketChat.Server bans list [--room ROOM]          the bans and mutes in force (server-wide, or ROOM's)
               SocketChat.Server bans remove MASK [--room ROOM]   lift a ban (or a mute) on MASK
        settings such as --Chat:DataDirectory=DIR or --Chat:Storage:Redis=HOST:PORT may follow
        """;

    // The subcommand's own words and --room, and the settings after them.
    public static (string[] Words, string? Room, string[] Settings) Split(string[] args)
    {
        var words = new List<string>();
        var settings = new List<string>();
        string? room = null;
        for (var i = 1; i < args.Length; i++)
        {
            if (args[i] == "--room" && i + 1 < args.Length)
            {
                room = args[++i];
            }
            else if (args[i].StartsWith('-'))
            {
                settings.Add(args[i]);
            }
            else
            {
                words.Add(args[i]);
            }
        }

        return ([.. words], room, [.. settings]);
    }

    public static int Run(string[] words, string? room, IConfiguration configuration, Func<ChatOptions, IMessageStore> createStore, TextWriter output, TextWriter error)
    {
        if (words is not (["list"] or ["remove", _]) || (room is not null && !ChatNames.IsValid(room.TrimStart('#'))))
        {
            error.WriteLine(Usage);
            return UsageExitCode;
        }

        room = room?.TrimStart('#');
        var options = ChatOptions.Read(configuration);
        if (options.Storage.Provider == StorageProvider.Memory)
        {
            error.WriteLine("Chat:Storage:Provider=memory keeps no bans once the server stops");
            return 1;
        }

        // A mistyped directory must not read as "no bans": nothing is created where there is no store.
        if (options.Storage.Provider == StorageProvider.Sqlite && ServerPaths.StorageFile(options) is var path && !File.Exists(path))
        {
            error.WriteLine(Directory.Exists(ServerPaths.DataDirectory(options))
                ? $"no message store at {path}: Chat:DataDirectory={ServerPaths.DataDirectory(options)} holds no server's data"
                : $"Chat:DataDirectory={ServerPaths.DataDirectory(options)} does not exist: no server has kept its data there");
            return UsageExitCode;
        }

        // The data directory is held while a server uses it: taken here, so the store has one writer.
        using var held = new DataDirectoryLock(Options.Create(options));
        if (words[0] == "remove")
        {
            try
            {
                held.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
            }
            catch (StorageException ex)
            {
                error.WriteLine($"{ex.Message}; while it runs, lift the ban there: /unban {words[1]} (or from its console)");
                return 1;
            }
        }

        using var store = createStore(options);
        try
        {
            store.Open();
        }
        catch (StorageException ex)
        {
            error.WriteLine(ex.Message);
            return 1;
        }

        var moderation = new Moderation(Options.Create(options), TimeProvider.System);
        foreach (var entry in store.Moderation())
        {
            if (ModerationRecord.Of(entry) is { } record)
            {
                moderation.Apply(entry, record);
            }
        }

        var (bans, mutes) = room is null
            ? (moderation.Server.Bans, moderation.Server.Mutes)
            : (moderation.Rules(room).Bans, moderation.Rules(room).Mutes);
        var where = room ?? "this server";
        if (words[0] == "list")
        {
            foreach (var line in moderation.Active(bans).Select(ban => ban.Describe("ban")).Concat(moderation.Active(mutes).Select(mute => mute.Describe("mute"))))
            {
                output.WriteLine(line);
            }

            return 0;
        }

        var mask = BanMask.Normalize(words[1], options.Limits.Ipv6PrefixLength);
        var action = mask is null ? null
            : bans.Any(ban => string.Equals(ban.Mask, mask, StringComparison.OrdinalIgnoreCase)) ? ModerationActions.Unban
            : mutes.Any(mute => string.Equals(mute.Mask, mask, StringComparison.OrdinalIgnoreCase)) ? ModerationActions.Unmute
            : null;
        if (action is null)
        {
            error.WriteLine(mask is null ? $"invalid mask {words[1]}: use {BanMask.Rule}" : $"{mask} is not banned or muted in {where}");
            return 1;
        }

        var lift = new ModerationRecord(action, room, "console", mask, ByOperator: true);
        store.AppendAsync([lift.ToDraft()], DateTimeOffset.UtcNow, []).AsTask().GetAwaiter().GetResult();
        output.WriteLine($"{(action == ModerationActions.Unban ? "lifted the ban" : "lifted the mute")} on {mask} in {where}");
        return 0;
    }
}
