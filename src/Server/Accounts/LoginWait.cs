namespace SocketChat.Server.Accounts;

// How long a login attempt must wait before it asks again; None when it may go ahead now.
// OthersInProgress: the address's other attempts, still being checked, fill its allowance.
internal readonly record struct LoginWait(TimeSpan Delay, bool OthersInProgress)
{
    public static LoginWait None => default;

    public bool MustWait => Delay > TimeSpan.Zero;
}
