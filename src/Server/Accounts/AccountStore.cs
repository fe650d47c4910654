using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Accounts;

// The accounts in Chat:Auth:UsersFile, read at start and again whenever the file changes (or on SIGHUP),
// so users add takes effect on a running server. A file that fails to read keeps the accounts loaded before.
internal sealed class AccountStore(IOptions<ChatOptions> options, Budget.WorkBudget budget, ILogger<AccountStore> logger)
{
    // PBKDF2 is deliberately slow (about 0.2 s of a core each): a burst of logins must not take every core from the
    // chat, nor queue for ever. Each check takes a place in the server's budget for expensive work (a few at once, a
    // few more waiting, each address and account its share); beyond that it is refused at once (the client tries
    // again shortly) rather than made to wait behind a flood of guesses.
    private volatile Dictionary<string, UserAccount> _accounts = new(StringComparer.OrdinalIgnoreCase);

    public bool Required => options.Value.Auth.Mode == AuthMode.Password;

    public string Path => ServerPaths.UsersFile(options.Value);

    // Raised after a reload with the accounts that are gone, so their connections can be closed.
    public event Action<IReadOnlyCollection<string>>? Removed;

    public int Count => _accounts.Count;

    public bool Exists(string name) => _accounts.ContainsKey(name);

    // True when the account is a server operator's (NAME:HASH:operator in the file).
    public bool IsOperator(string name) => _accounts.TryGetValue(name, out var account) && account.Operator;

    // An operator account's password hash; null for any other name.
    public string? OperatorHash(string name) => _accounts.TryGetValue(name, out var account) && account.Operator ? account.Hash : null;

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

    // Checks a password for a client at address: the account's name as stored when it is right, null otherwise
    // (after the same work either way), or Verification.NotChecked when the budget has no place for it.
    public async Task<Verification> VerifyAsync(string name, string password, System.Net.IPAddress address, CancellationToken cancellationToken)
    {
        var found = _accounts.TryGetValue(name, out var account);
        return await VerifyHashAsync(password, found ? account!.Hash : null, address, cancellationToken) is not { } matches
            ? Verification.NotChecked
            : new Verification(found && matches ? account!.Name : null, Busy: false);
    }

    // Checks password against hash (null: none, so a decoy's, taking the same time and answering no) in a place of
    // the budget, off the caller's thread; null when there was no place (busy).
    public async Task<bool?> VerifyHashAsync(string password, string? hash, System.Net.IPAddress address, CancellationToken cancellationToken)
    {
        using var place = await budget.EnterAsync(address, account: null, cancellationToken);
        if (place is null)
        {
            return null;
        }

        // Off the connection's read loop: hashing takes a few hundred milliseconds of one core.
        var real = hash is not null && PasswordHasher.IsWellFormed(hash);
        var matches = await Task.Run(() => PasswordHasher.Verify(password, real ? hash! : PasswordHasher.DecoyHash), cancellationToken);
        return real && matches;
    }
}
