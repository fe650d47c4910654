namespace SocketChat.Server.Rooms;

/// <summary>Assigns message ids: increasing for the life of the process.</summary>
internal sealed class MessageIds
{
    private long _last;

    public long Next() => Interlocked.Increment(ref _last);

    public long Current => Interlocked.Read(ref _last);
}
