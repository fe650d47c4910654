using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;

namespace SocketChat.Server.Connections;

/// <summary>
/// A server event with its wire bytes, encoded at most once per mode however many recipients it has.
/// </summary>
internal sealed class EncodedEvent(ServerEvent serverEvent)
{
    private byte[]? _text;
    private byte[]? _json;

    public ServerEvent Event => serverEvent;

    // Two threads may race to encode the same mode; both produce identical bytes, so either result may win.
    public ReadOnlyMemory<byte> For(WireMode mode) => mode == WireMode.Json
        ? _json ??= EventWriter.Encode(serverEvent, mode)
        : _text ??= EventWriter.Encode(serverEvent, mode);
}
