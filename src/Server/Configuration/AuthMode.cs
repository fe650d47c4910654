namespace SocketChat.Server.Configuration;

/// <summary>Whether connections must log in to an account.</summary>
internal enum AuthMode
{
    /// <summary>Anyone may chat under any free nickname.</summary>
    None,

    /// <summary>A connection logs in to an account from <c>Chat:Auth:UsersFile</c>; its nickname is the account's name.</summary>
    Password,
}
