using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;

namespace SocketChat.Server.Clients;

// A server event with its wire bytes, encoded at most once per variant however many recipients it has: text,
// JSON, or a variant of another wire protocol (IRC's lines differ by the capabilities a client negotiated).
internal sealed class EncodedEvent(ServerEvent serverEvent)
{
    // How many variants another protocol may number (0 to 7).
    public const int MaxVariants = 8;

    private byte[]? _text;
    private byte[]? _json;
    private byte[]?[]? _variants;

    public ServerEvent Event => serverEvent;

    // Queued by ChatSession.Send: for one client alone, in answer to it (or its history), not a room's live event.
    public bool Reply { get; init; }

    // Two threads may race to encode the same variant; both produce identical bytes, so either result may win.
    public ReadOnlyMemory<byte> For(WireMode mode) => mode == WireMode.Json
        ? _json ??= EventWriter.Encode(serverEvent, mode)
        : _text ??= EventWriter.Encode(serverEvent, WireMode.Text);

    // The bytes of a protocol's variant, made by encode for the first recipient that asks.
    public ReadOnlyMemory<byte> For(int variant, Func<ServerEvent, int, byte[]> encode)
    {
        var variants = Volatile.Read(ref _variants) ?? Interlocked.CompareExchange(ref _variants, new byte[]?[MaxVariants], null) ?? _variants!;
        return variants[variant] ??= encode(serverEvent, variant);
    }
}
