using SocketChat.Server.Accounts;

namespace SocketChat.TestSupport;

// Writes an accounts file as SocketChat.Server users add would.
public static class TestAccounts
{
    public static void Write(string path, params (string Name, string Password)[] accounts) =>
        UsersFile.Write(path, accounts.Select(account => (account.Name, PasswordHasher.Hash(account.Password))));
}
