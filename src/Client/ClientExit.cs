namespace SocketChat.Client;

/// <summary>The exit code the client's service decided on, returned by Program once the host has stopped.</summary>
internal sealed class ClientExit
{
    public int Code { get; set; }
}
