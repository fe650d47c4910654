using System.Buffers;
using SocketChat.Protocol.Events;

namespace SocketChat.Server.Clients;

// How one connection speaks: what a line it sends means, and how an event is written for it. Each wire protocol
// is an adapter in a folder of its own (Lines: text and JSON; Irc), chosen for a connection by the port it came
// to; the connection loop, the sessions and the rooms name none of them.
internal interface IWireProtocol
{
    // What its connections are called in the log ("chat", "irc").
    string Name { get; }

    // The longest line it may send, in bytes.
    int MaxLineBytes { get; }

    // True when the client registers itself (IRC): the server neither greets it unasked nor puts it in a room.
    bool RegistersItself { get; }

    // Acts on one framed line; false when the client asked to leave.
    ValueTask<bool> HandleLineAsync(ChatSession session, ReadOnlySequence<byte> line);

    // A line over MaxLineBytes was dropped (head is its start); the connection stays up.
    ValueTask RejectTooLongAsync(ChatSession session, ReadOnlySequence<byte> head);

    // The one line a connection refused at the door is sent, before it is closed.
    string Refusal(string reason);

    // The client has said nothing for a moment after connecting: greet it, unless it registers itself.
    ValueTask GreetSilentAsync(ChatSession session);

    // Whether this client is told what another user says of itself (away, a new real name).
    bool Shows(ChatSession session, StatusEvent status);

    // A reply for this client alone, as it is told it (IRC: a numeric for an error); null when it is not told.
    ServerEvent? Reply(ChatSession session, ServerEvent reply);

    // What message counts for in this client's queue, in bytes.
    int SizeOf(EncodedEvent message, ChatSession session);

    // Writes message for this client (bytes every recipient of its variant shares through output.Share); called by
    // its write loop alone.
    void Write(EncodedEvent message, ChatSession session, IEventOutput output);
}
