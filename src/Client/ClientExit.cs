namespace SocketChat.Client;

// The exit code the client's service decided on, returned by Program once the host has stopped.
internal sealed class ClientExit
{
    public int Code { get; set; }
}
