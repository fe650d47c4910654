namespace SocketChat.Server.Accounts;

// The outcome of checking a password: the account's stored name when right, or not checked at all (busy).
internal readonly record struct Verification(string? Account, bool Busy)
{
    public static Verification NotChecked => new(null, Busy: true);
}
