namespace SocketChat.Server.Reloading;

// Calls back once a set of files has changed and then stayed still for a moment (certbot and editors write
// several files, or replace symlinks, in quick succession). Watches the directories, so replaced files count.
internal sealed class FileWatch : IDisposable
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(500);
    private readonly List<FileSystemWatcher> _watchers = [];
    private readonly HashSet<string> _names;
    private readonly Timer _timer;

    public FileWatch(IEnumerable<string> paths, Action changed)
    {
        var files = paths.Select(Path.GetFullPath).ToArray();
        _names = files.Select(Path.GetFileName).ToHashSet(StringComparer.Ordinal)!;
        _timer = new Timer(_ => changed(), null, Timeout.Infinite, Timeout.Infinite);
        foreach (var directory in files.Select(Path.GetDirectoryName).Distinct(StringComparer.Ordinal))
        {
            if (directory is null || !Directory.Exists(directory))
            {
                continue;
            }

            var watcher = new FileSystemWatcher(directory)
            {
                NotifyFilter = NotifyFilters.FileName | NotifyFilters.LastWrite | NotifyFilters.Size | NotifyFilters.CreationTime,
            };
            watcher.Changed += OnChanged;
            watcher.Created += OnChanged;
            watcher.Deleted += OnChanged;
            watcher.Renamed += OnChanged;
            watcher.EnableRaisingEvents = true;
            _watchers.Add(watcher);
        }
    }

    public void Dispose()
    {
        foreach (var watcher in _watchers)
        {
            watcher.Dispose();
        }

        _timer.Dispose();
    }

    private void OnChanged(object sender, FileSystemEventArgs e)
    {
        if (_names.Contains(e.Name ?? string.Empty) || (e is RenamedEventArgs renamed && _names.Contains(renamed.OldName ?? string.Empty)))
        {
            _timer.Change(Settle, Timeout.InfiniteTimeSpan);
        }
    }
}
