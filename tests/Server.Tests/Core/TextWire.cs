using System.Buffers;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Tests.Core;

// A wire protocol that only writes (the session's mode's encoding): for sessions that no client drives.
internal sealed class TextWire : IWireProtocol
{
    public static readonly TextWire Instance = new();

    public string Name => "test";

    public int MaxLineBytes => 4096;

    public bool RegistersItself => false;

    public string Refusal(string reason) => $"! error: {reason}\n";

    public ValueTask<bool> HandleLineAsync(ChatSession session, ReadOnlySequence<byte> line) => throw new NotSupportedException();

    public ValueTask RejectTooLongAsync(ChatSession session, ReadOnlySequence<byte> head) => throw new NotSupportedException();

    public ValueTask GreetSilentAsync(ChatSession session) => ValueTask.CompletedTask;

    public ServerEvent? Reply(ChatSession session, ServerEvent reply) => reply;

    public bool Shows(ChatSession session, StatusEvent status) => false;

    public int SizeOf(EncodedEvent message, ChatSession session) => message.For(session.Mode == WireMode.Json ? WireMode.Json : WireMode.Text).Length;

    public void Write(EncodedEvent message, ChatSession session, IEventOutput output) => output.Share(message.For(session.Mode));
}
