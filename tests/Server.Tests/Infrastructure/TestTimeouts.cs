namespace SocketChat.Server.Tests.Infrastructure;

internal static class TestTimeouts
{
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);
}
