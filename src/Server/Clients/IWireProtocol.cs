using System.Buffers;
using SocketChat.Protocol.Events;

namespace SocketChat.Server.Clients;

/// <summary>
/// How one connection speaks: what a line it sends means, and how an event is written for it. Each wire protocol
/// is an adapter in a folder of its own (Lines: text and JSON; Irc), chosen for a connection by the port it came
/// to; the connection loop, the sessions and the rooms name none of them.
/// </summary>
internal interface IWireProtocol
{
    /// <summary>What its connections are called in the log (<c>"chat"</c>, <c>"irc"</c>).</summary>
    string Name { get; }

    /// <summary>The longest line it may send, in bytes.</summary>
    int MaxLineBytes { get; }

    /// <summary>True when the client registers itself (IRC): the server neither greets it unasked nor puts it in a room.</summary>
    bool RegistersItself { get; }

    /// <summary>Acts on one framed line; false when the client asked to leave.</summary>
    ValueTask<bool> HandleLineAsync(ChatSession session, ReadOnlySequence<byte> line);

    /// <summary>A line over <see cref="MaxLineBytes"/> was dropped (<paramref name="head"/> is its start); the connection stays up.</summary>
    ValueTask RejectTooLongAsync(ChatSession session, ReadOnlySequence<byte> head);

    /// <summary>The one line a connection refused at the door is sent, before it is closed.</summary>
    string Refusal(string reason);

    /// <summary>The client has said nothing for a moment after connecting: greet it, unless it registers itself.</summary>
    ValueTask GreetSilentAsync(ChatSession session);

    /// <summary>A reply for this client alone, as it is told it (IRC: a numeric for an error); null when it is not told.</summary>
    ServerEvent? Reply(ChatSession session, ServerEvent reply);

    /// <summary>What <paramref name="message"/> counts for in this client's queue, in bytes.</summary>
    int SizeOf(EncodedEvent message, ChatSession session);

    /// <summary>Writes <paramref name="message"/> for this client; called by its write loop alone.</summary>
    void Write(EncodedEvent message, ChatSession session, IBufferWriter<byte> output);
}
