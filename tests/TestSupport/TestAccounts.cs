using SocketChat.Server.Accounts;

namespace SocketChat.TestSupport;

/// <summary>Writes an accounts file as <c>SocketChat.Server users add</c> would.</summary>
public static class TestAccounts
{
    public static void Write(string path, params (string Name, string Password)[] accounts) =>
        UsersFile.Write(path, accounts.Select(account => (account.Name, PasswordHasher.Hash(account.Password))));
}
