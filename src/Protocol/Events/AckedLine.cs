namespace SocketChat.Protocol.Events;

/// <summary>
/// What an acknowledged line became, as stored: its room (or <paramref name="To"/> for a private line), its text,
/// and whether it was sent as a notice. Carried by <see cref="AckEvent"/> so a protocol that echoes a sender's own
/// line (IRC's <c>echo-message</c>) has it with the acknowledgement, in its order.
/// </summary>
public sealed record AckedLine(string? Room, string? To, string Text, bool Notice);
