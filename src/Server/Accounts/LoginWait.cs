namespace SocketChat.Server.Accounts;

/// <summary>
/// How long a login attempt must wait before it asks again; <see cref="None"/> when it may go ahead now.
/// <paramref name="OthersInProgress"/>: the address's other attempts, still being checked, fill its allowance.
/// </summary>
internal readonly record struct LoginWait(TimeSpan Delay, bool OthersInProgress)
{
    public static LoginWait None => default;

    public bool MustWait => Delay > TimeSpan.Zero;
}
