using System.IO.Hashing;
using System.Runtime.InteropServices;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Clients;

// A message accepted under a client id: its id and time, and a fingerprint of what it said and to whom, so a
// resend (the same content again) is told apart from a client id reused for another message.
internal readonly record struct AcceptedMessage(long Id, DateTimeOffset Timestamp, ulong Fingerprint)
{
    public static AcceptedMessage From(StoredMessage message) =>
        new(message.Id, message.Timestamp, FingerprintOf(message.Kind, message.To, message.Text));

    // The kind, the recipient (nicknames ignore case) and the text; the room is left out, as a resend after a move is still the same line.
    public static ulong FingerprintOf(MessageKind kind, string? to, string text)
    {
        var hash = new XxHash3();
        hash.Append([(byte)kind]);
        hash.Append(MemoryMarshal.AsBytes((to?.ToLowerInvariant() ?? string.Empty).AsSpan()));
        hash.Append([0]);
        hash.Append(MemoryMarshal.AsBytes(text.AsSpan()));
        return hash.GetCurrentHashAsUInt64();
    }
}
