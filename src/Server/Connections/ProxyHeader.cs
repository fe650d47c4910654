using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SocketChat.Server.Connections;

// The PROXY protocol header (versions 1 and 2) a TCP load balancer sends before the client's bytes, naming the
// client it accepted: HAProxy's send-proxy and send-proxy-v2, nginx's proxy_protocol on.
// Read from the socket before anything else, and no further, so what follows is the client's own stream (or its
// TLS handshake).
internal static class ProxyHeader
{
    // Version 1 is one text line of at most 107 bytes; version 2 starts with this binary signature.
    private const int LongestTextHeader = 107;
    private const int LongestBinaryAddresses = 1024;
    private static readonly byte[] BinarySignature = [0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A];

    // Reads the header. Returns the client's address and port, or null when the proxy speaks for itself (a health
    // check: version 1's UNKNOWN, version 2's LOCAL, or an address family other than TCP over IPv4
    // or IPv6). Throws InvalidDataException naming what is wrong when there is no valid header.
    public static async Task<IPEndPoint?> ReadAsync(Socket socket, CancellationToken cancellationToken)
    {
        var start = new byte[BinarySignature.Length];
        await ReadExactlyAsync(socket, start, cancellationToken);
        return start.AsSpan().SequenceEqual(BinarySignature)
            ? await ReadBinaryAsync(socket, cancellationToken)
            : await ReadTextAsync(socket, start, cancellationToken);
    }

    private static async Task<IPEndPoint?> ReadTextAsync(Socket socket, byte[] start, CancellationToken cancellationToken)
    {
        if (!start.AsSpan().StartsWith("PROXY "u8))
        {
            throw new InvalidDataException("expected a PROXY protocol header from the load balancer");
        }

        // One byte at a time up to the line's end, so not one byte of the client's own is taken.
        var line = new byte[LongestTextHeader];
        start.CopyTo(line, 0);
        var length = start.Length;
        while (length < 2 || line[length - 2] != '\r' || line[length - 1] != '\n')
        {
            if (length == line.Length)
            {
                throw new InvalidDataException($"PROXY header longer than {LongestTextHeader} bytes");
            }

            await ReadExactlyAsync(socket, line.AsMemory(length, 1), cancellationToken);
            length++;
        }

        return ParseText(Encoding.ASCII.GetString(line, 0, length - 2));
    }

    // Version 1: PROXY TCP4 203.0.113.7 192.0.2.1 40000 8080, or PROXY UNKNOWN ….
    public static IPEndPoint? ParseText(string line)
    {
        var parts = line.Split(' ');
        if (parts is [_, "UNKNOWN", ..])
        {
            return null;
        }

        if (parts is not [_, "TCP4" or "TCP6", var source, _, var port, _]
            || !IPAddress.TryParse(source, out var address)
            || address.AddressFamily != (parts[1] == "TCP4" ? AddressFamily.InterNetwork : AddressFamily.InterNetworkV6)
            || !ushort.TryParse(port, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            throw new InvalidDataException($"not a valid PROXY header: \"{line}\"");
        }

        return new IPEndPoint(address, number);
    }

    private static async Task<IPEndPoint?> ReadBinaryAsync(Socket socket, CancellationToken cancellationToken)
    {
        var fixedPart = new byte[4];
        await ReadExactlyAsync(socket, fixedPart, cancellationToken);
        var length = BinaryPrimitives.ReadUInt16BigEndian(fixedPart.AsSpan(2));
        if (fixedPart[0] >> 4 != 2 || length > LongestBinaryAddresses)
        {
            throw new InvalidDataException($"not a valid PROXY header (version {fixedPart[0] >> 4}, {length} bytes of addresses)");
        }

        var addresses = new byte[length];
        await ReadExactlyAsync(socket, addresses, cancellationToken);
        return ParseBinary(fixedPart[0] & 0x0F, fixedPart[1], addresses);
    }

    // Version 2 after its signature: the command (0 LOCAL, 1 PROXY), the family and protocol, the addresses.
    public static IPEndPoint? ParseBinary(int command, byte family, ReadOnlySpan<byte> addresses)
    {
        switch (command, family)
        {
            case (0, _):
                return null;
            case (1, 0x11) when addresses.Length >= 12:
                return new IPEndPoint(new IPAddress(addresses[..4]), BinaryPrimitives.ReadUInt16BigEndian(addresses[8..]));
            case (1, 0x21) when addresses.Length >= 36:
                return new IPEndPoint(new IPAddress(addresses[..16]), BinaryPrimitives.ReadUInt16BigEndian(addresses[32..]));
            case (1, 0x11 or 0x21):
                throw new InvalidDataException($"PROXY header too short for its addresses ({addresses.Length} bytes)");
            case (1, _):
                // UDP, or a Unix socket: nothing this server can count limits by, so the proxy's own address is used.
                return null;
            default:
                throw new InvalidDataException($"PROXY header with an unknown command ({command})");
        }
    }

    private static async Task ReadExactlyAsync(Socket socket, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (buffer.Length > 0)
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new InvalidDataException("the connection closed before its PROXY header ended");
            }

            buffer = buffer[read..];
        }
    }
}
