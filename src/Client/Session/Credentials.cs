using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Text;

namespace SocketChat.Client.Session;

// The account to log in to and its password: asked for when a server wants them (the password without echo), or
// read from Chat:PasswordFile, and kept in memory only, so a reconnect to a restarted server logs in again.
internal sealed class Credentials(string? account, string? passwordFile, Func<string, bool, Task<string?>> ask)
{
    private readonly bool _accountGiven = !string.IsNullOrEmpty(account);
    private string? _account = string.IsNullOrEmpty(account) ? null : account;
    private string? _password;

    public string? Account => _account;

    // The password file the password comes from, or null when the user is asked.
    public string? FromFile => string.IsNullOrEmpty(passwordFile) ? null : passwordFile;

    // The login to send; null when the user left instead of answering.
    public async Task<LoginCommand?> GetAsync()
    {
        while (_account is null)
        {
            var typed = (await ask("Account: ", false))?.Trim();
            if (typed is null)
            {
                return null;
            }

            _account = ChatNames.IsValid(typed) ? typed : null;
        }

        _password ??= ReadPasswordFile() ?? await ask($"Password for {_account}: ", true);
        return _password is null ? null : new LoginCommand(_account, _password);
    }

    // The server said no: ask again next time (for the account too, unless it came from the settings).
    public void Rejected()
    {
        _password = null;
        if (!_accountGiven)
        {
            _account = null;
        }
    }

    private string? ReadPasswordFile() =>
        string.IsNullOrEmpty(passwordFile) ? null : File.ReadLines(passwordFile).FirstOrDefault()?.TrimEnd('\r', '\n');
}
