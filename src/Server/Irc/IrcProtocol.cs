using System.Buffers;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Irc;

// IRC for one connection (RFC 1459/2812 with the IRCv3 capabilities it negotiates): its lines go through
// IrcCommands, events are written by IrcEventWriter. A live room message is the bulk of
// what is written and depends only on the capabilities, so it is encoded once per capability set and shared.
internal sealed class IrcProtocol(IrcState state, IrcCommands commands) : IWireProtocol
{
    public IrcState State => state;

    public string Name => "irc";

    public int MaxLineBytes => IrcCommands.MaxLineBytes;

    public bool RegistersItself => true;

    public string Refusal(string reason) => $"ERROR :Closing link: {reason}\r\n";

    public ValueTask<bool> HandleLineAsync(ChatSession session, ReadOnlySequence<byte> line) => commands.HandleLine(session, line);

    public ValueTask RejectTooLongAsync(ChatSession session, ReadOnlySequence<byte> head)
    {
        IrcCommands.RejectTooLong(session, head);
        return ValueTask.CompletedTask;
    }

    public ValueTask GreetSilentAsync(ChatSession session) => ValueTask.CompletedTask;

    // A refusal is the numeric for what it asked, decided now, while that is known; a NOTICE is never answered.
    public ServerEvent? Reply(ChatSession session, ServerEvent reply) => reply is ErrorEvent error
        ? session.Quiet ? null : new IrcLineEvent(IrcReplies.ForError(state.ServerName, session.Registered ? session.Nick : "*", state.Subject, error))
        : reply;

    // away-notify and setname, as negotiated.
    public bool Shows(ChatSession session, StatusEvent status) =>
        state.Has(status.What == UserStatus.Away ? IrcCapabilities.AwayNotify : IrcCapabilities.SetName);

    public int SizeOf(EncodedEvent message, ChatSession session) => message.Event switch
    {
        IrcLineEvent reply => reply.Line.Length + 2,
        StatusEvent status => (status.Text?.Length ?? 0) + IrcEventWriter.Overhead,
        IrcLabelEvent label => label.Label.Length + 64,
        RoomMessageEvent { History: false } => IrcEventWriter.Shared(message, state).Length,
        _ => message.For(WireMode.Text).Length + IrcEventWriter.Overhead,
    };

    // The replies to a labelled line are gathered and written with its label (IrcEventWriter.Labelled).
    public void Write(EncodedEvent message, ChatSession session, IEventOutput output)
    {
        var nick = session.Registered ? session.Nick : "*";
        switch (message.Event)
        {
            case IrcLabelEvent { End: false } start:
                (state.Label, state.Labelled) = (start.Label, []);
                return;
            case IrcLabelEvent:
                if (state.Label is { } label)
                {
                    IrcEventWriter.Labelled(output, state, label, state.Labelled!);
                }

                (state.Label, state.Labelled) = (null, null);
                return;
            case not null when message.Reply && state.Labelled is { } labelled:
                var buffer = new ArrayBufferWriter<byte>(256);
                IrcEventWriter.Write(message, state, nick, buffer);
                labelled.AddRange(System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan).Split("\r\n", StringSplitOptions.RemoveEmptyEntries));
                return;
            default:
                IrcEventWriter.Write(message, state, nick, output);
                return;
        }
    }
}

// The IRC state of a session that speaks IRC, for the Irc folder's code.
internal static class IrcSessions
{
    extension(ChatSession session)
    {
        // Its registration and capabilities; null when it does not speak IRC.
        public IrcState? Irc => (session.Protocol as IrcProtocol)?.State;
    }
}
