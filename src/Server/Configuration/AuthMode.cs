namespace SocketChat.Server.Configuration;

// Whether connections must log in to an account.
internal enum AuthMode
{
    // Anyone may chat under any free nickname.
    None,

    // A connection logs in to an account from Chat:Auth:UsersFile; its nickname is the account's name.
    Password,
}
