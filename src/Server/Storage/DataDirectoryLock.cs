using System.Globalization;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Storage;

// Holds the data directory for this server alone while the SQLite store lives there: a second server on the same
// directory would give out the same ids and wedge both. Taken first at start (a lock file, flock'ed for as long as
// the process lives, so a crash lets it go) and refused naming the process that holds it. In cluster mode the store
// is Redis and nodes may share a directory (one accounts file, one certificate), so nothing is taken.
internal sealed class DataDirectoryLock(IOptions<ChatOptions> options) : IHostedService, IDisposable
{
    public const string LockFile = "socketchat.lock";

    // Beside the lock, readable while it is held (a locked file cannot be opened by another process here).
    public const string OwnerFile = "socketchat.pid";

    private FileStream? _held;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.Storage.Provider != StorageProvider.Sqlite)
        {
            return Task.CompletedTask;
        }

        var directory = ServerPaths.DataDirectory(settings);
        try
        {
            Directory.CreateDirectory(directory);
            _held = new FileStream(Path.Combine(directory, LockFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        }
        catch (IOException) when (File.Exists(Path.Combine(directory, LockFile)))
        {
            throw new StorageException(
                $"Chat:DataDirectory={directory} is in use by another server ({Owner(directory)}); each server needs a data directory of its own");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new StorageException($"Chat:DataDirectory={directory} cannot be used: {ex.Message}", ex);
        }

        File.WriteAllText(Path.Combine(directory, OwnerFile), Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n");
        return Task.CompletedTask;
    }

    // Stopped last (started first), after the store has closed: the directory is free for the next server.
    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_held is { } held)
        {
            File.Delete(Path.Combine(Path.GetDirectoryName(held.Name)!, OwnerFile));
            held.Dispose();
            _held = null;
        }
    }

    private static string Owner(string directory)
    {
        try
        {
            return int.TryParse(File.ReadAllText(Path.Combine(directory, OwnerFile)).Trim(), CultureInfo.InvariantCulture, out var pid)
                ? $"process {pid.ToString(CultureInfo.InvariantCulture)}"
                : "a process that did not say which";
        }
        catch (IOException)
        {
            return "a process that did not say which";
        }
    }
}
