using System.Threading.RateLimiting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Accounts;

// The accounts in Chat:Auth:UsersFile, read at start and again whenever the file changes (or on SIGHUP),
// so users add takes effect on a running server. A file that fails to read keeps the accounts loaded before.
internal sealed class AccountStore(IOptions<ChatOptions> options, ILogger<AccountStore> logger) : IDisposable
{
    // PBKDF2 is deliberately slow (about 0.2 s of a core each): a burst of logins must not take every core from the
    // chat, nor queue for ever. At most half the cores hash; a few more wait their turn; beyond that a login is
    // refused at once (the client tries again shortly) rather than made to wait behind a flood of guesses.
    private static readonly int Hashers = Math.Max(1, Environment.ProcessorCount / 2);
    private readonly ConcurrencyLimiter _hashing = new(new ConcurrencyLimiterOptions
    {
        PermitLimit = Hashers,
        QueueLimit = 4 * Hashers,
        QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
    });
    private volatile Dictionary<string, UserAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public bool Required => options.Value.Auth.Mode == AuthMode.Password;

    public string Path => ServerPaths.UsersFile(options.Value);

    // Raised after a reload with the accounts that are gone, so their connections can be closed.
    public event Action<IReadOnlyCollection<string>>? Removed;

    public int Count => _accounts.Count;

    public void Dispose() => _hashing.Dispose();

    public bool Exists(string name) => _accounts.ContainsKey(name);

    // True when the account is a server operator's (NAME:HASH:operator in the file).
    public bool IsOperator(string name) => _accounts.TryGetValue(name, out var account) && account.Operator;

    // True when any account is a server operator's.
    public bool AnyOperator => _accounts.Values.Any(account => account.Operator);

    // Reads the file at start; a malformed file was already refused by the settings check.
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

        // Moved aside to be edited, or being replaced by a deploy tool: not "no accounts", which would log everyone out.
        // An operator who means to remove every account empties the file.
        if (!File.Exists(Path))
        {
            ServerLog.UsersFileMissing(logger, Path, before.Count);
            return;
        }

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

    // Checks a password: the account's name as stored when it is right, null otherwise (after the same work either
    // way), or Verification.NotChecked when too many checks are already running and waiting.
    public async Task<Verification> VerifyAsync(string name, string password, CancellationToken cancellationToken)
    {
        var found = _accounts.TryGetValue(name, out var account);
        using var lease = await _hashing.AcquireAsync(1, cancellationToken);
        if (!lease.IsAcquired)
        {
            return Verification.NotChecked;
        }

        // Off the connection's read loop: hashing takes a few hundred milliseconds of one core.
        var matches = await Task.Run(() => PasswordHasher.Verify(password, found ? account!.Hash : PasswordHasher.DecoyHash), cancellationToken);
        return new Verification(found && matches ? account!.Name : null, Busy: false);
    }
}
