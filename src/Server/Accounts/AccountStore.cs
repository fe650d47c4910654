using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Accounts;

/// <summary>
/// The accounts in <c>Chat:Auth:UsersFile</c>, read at start and again whenever the file changes (or on SIGHUP),
/// so <c>users add</c> takes effect on a running server. A file that fails to read keeps the accounts loaded before.
/// </summary>
internal sealed class AccountStore(IOptions<ChatOptions> options, ILogger<AccountStore> logger) : IDisposable
{
    // PBKDF2 is deliberately slow: a burst of logins must not take every core from the chat.
    private readonly SemaphoreSlim _hashing = new(Math.Max(1, Environment.ProcessorCount / 2));
    private volatile Dictionary<string, (string Name, string Hash)> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public bool Required => options.Value.Auth.Mode == AuthMode.Password;

    public string Path => ServerPaths.UsersFile(options.Value);

    /// <summary>Raised after a reload with the accounts that are gone, so their connections can be closed.</summary>
    public event Action<IReadOnlyCollection<string>>? Removed;

    public int Count => _accounts.Count;

    public void Dispose() => _hashing.Dispose();

    public bool Exists(string name) => _accounts.ContainsKey(name);

    /// <summary>Reads the file at start; a malformed file was already refused by the settings check.</summary>
    public void Load()
    {
        _accounts = UsersFile.Read(Path);
        ServerLog.AccountsLoaded(logger, _accounts.Count, Path);
        if (_accounts.Count == 0)
        {
            ServerLog.NoAccounts(logger, Path);
        }
    }

    public void Reload()
    {
        var before = _accounts;
        try
        {
            _accounts = UsersFile.Read(Path);
        }
        catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            ServerLog.AccountsReloadFailed(logger, Path, before.Count, ex.Message);
            return;
        }

        ServerLog.AccountsLoaded(logger, _accounts.Count, Path);
        var removed = before.Keys.Where(name => !_accounts.ContainsKey(name)).ToArray();
        if (removed.Length > 0)
        {
            Removed?.Invoke(removed);
        }
    }

    /// <summary>The account's name as stored when the password is right; null otherwise, after the same work either way.</summary>
    public async Task<string?> VerifyAsync(string name, string password, CancellationToken cancellationToken)
    {
        var found = _accounts.TryGetValue(name, out var account);
        await _hashing.WaitAsync(cancellationToken);
        try
        {
            // Off the connection's read loop: hashing takes a few hundred milliseconds of one core.
            var matches = await Task.Run(() => PasswordHasher.Verify(password, found ? account.Hash : PasswordHasher.DecoyHash), cancellationToken);
            return found && matches ? account.Name : null;
        }
        finally
        {
            _hashing.Release();
        }
    }
}
