using System.Globalization;
using Microsoft.Extensions.Configuration;
using SocketChat.Hosting.Options;
using SocketChat.Protocol.Encoders;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Storage;

// SocketChat.Server export --room NAME [--since TIME]: a room's stored messages and moderation actions (an audit
// trail: who did what, when, to whom) as JSON lines (the protocol's message and moderation objects), oldest first, for backups and audits. Reads the store beside a running server.
internal static class ExportCommand
{
    public const string Word = "export";
    private const string Usage = "usage: SocketChat.Server export --room NAME [--since 2026-11-27T00:00:00Z] [--Chat:DataDirectory=DIR]";

    // The subcommand's own switches (--room, --since) and the settings after them.
    public static (string? Room, string? Since, string[] Settings) Split(string[] args)
    {
        string? room = null;
        string? since = null;
        var settings = new List<string>();
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--room" when i + 1 < args.Length:
                    room = args[++i];
                    break;
                case "--since" when i + 1 < args.Length:
                    since = args[++i];
                    break;
                default:
                    settings.Add(args[i]);
                    break;
            }
        }

        return (room, since, [.. settings]);
    }

    // createStore opens the store the settings name (the composition root knows them all).
    public static int Run(string? room, string? since, IConfiguration configuration, Func<ChatOptions, IMessageStore> createStore, TextWriter output, TextWriter error)
    {
        var options = ChatOptions.Read(configuration);

        var from = DateTimeOffset.MinValue;
        if (room is null)
        {
            error.WriteLine("export needs --room NAME");
            error.WriteLine(Usage);
            return StartupErrors.BadSettingExitCode;
        }

        if (since is not null && !DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out from))
        {
            error.WriteLine($"--since {since} is not a date or time: use 2026-11-27 or 2026-11-27T08:00:00Z");
            error.WriteLine(Usage);
            return StartupErrors.BadSettingExitCode;
        }

        if (options.Storage.Provider == StorageProvider.Memory)
        {
            error.WriteLine("Chat:Storage:Provider=memory keeps nothing to export");
            return 1;
        }

        var path = ServerPaths.StorageFile(options);
        if (options.Storage.Provider == StorageProvider.Sqlite && !File.Exists(path))
        {
            error.WriteLine($"no message store at {path}");
            return 1;
        }

        // The cluster's store is Redis, read beside the running nodes.
        using var store = createStore(options);
        store.Open();
        foreach (var message in store.Export(room, from == DateTimeOffset.MinValue ? DateTimeOffset.FromUnixTimeMilliseconds(0) : from))
        {
            output.Write(System.Text.Encoding.UTF8.GetString(EventWriter.Encode(message.ToExportEvent(), WireMode.Json)));
        }

        output.Flush();
        return 0;
    }
}
