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

    /// <summary>What the event counts for in a queue of <paramref name="mode"/> (an IRC connection's bytes are made as it is written).</summary>
    public int SizeFor(WireMode mode) => mode != WireMode.Irc ? For(mode).Length
        : serverEvent is Irc.IrcLineEvent reply ? reply.Line.Length + 2
        : For(WireMode.Text).Length + Irc.IrcEventWriter.Overhead;

    // Two threads may race to encode the same mode; both produce identical bytes, so either result may win.
    public ReadOnlyMemory<byte> For(WireMode mode) => mode == WireMode.Json
        ? _json ??= EventWriter.Encode(serverEvent, mode)
        : _text ??= EventWriter.Encode(serverEvent, mode);
}
