using System.Buffers;
using Microsoft.Extensions.Options;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Protocol.Text;
using SocketChat.Server.Configuration;
using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Lines;

// SocketChat's own protocol, one line per command and event, in two encodings: text for people at nc or telnet,
// JSON for programs and the browser page. A connection is text until its first line says /json (a
// WebSocket is JSON from the start); each encoding of an event is made once and shared by every recipient.
internal sealed class LineProtocol(SessionCommands commands, SessionLifecycle lifecycle, IOptions<ChatOptions> options) : IWireProtocol
{
    public string Name => "chat";

    public int MaxLineBytes => options.Value.MaxLineBytes;

    public bool RegistersItself => false;

    public string Refusal(string reason) => $"! error: {reason}\n";

    public ValueTask<bool> HandleLineAsync(ChatSession session, ReadOnlySequence<byte> line)
    {
        session.LinesReceived++;
        if (!Utf8Line.TryDecode(line, out var decoded))
        {
            commands.Reject(session, new InvalidCommand(ErrorCodes.InvalidUtf8, "line is not valid UTF-8; it was dropped"));
            return ValueTask.FromResult(true);
        }

        // A WebSocket is JSON already; the page of an earlier version still says "/json" first, and is answered so.
        var command = session.Mode == WireMode.Json && !(session.Web && session.LinesReceived == 1 && decoded.StartsWith("/json", StringComparison.Ordinal))
            ? JsonCommandParser.Parse(decoded)
            : TextCommandParser.Parse(TextSanitizer.RemoveControlCharacters(decoded));
        if (command is JsonModeCommand mode && session.LinesReceived == 1)
        {
            // Greeted in JSON already (its first frame came after the greeting delay): a plain /json has nothing to do.
            return session.Registered && session.Mode == WireMode.Json && mode.ResumeToken is null
                ? ValueTask.FromResult(true)
                : Continue(lifecycle.StartJsonAsync(session, mode));
        }

        if (command is PingCommand ping && !session.Registered)
        {
            // A health probe: answer without greeting, so it never appears in a room.
            session.Send(new PongEvent(ping.Cid, commands.ProblemFor(session)));
            return ValueTask.FromResult(true);
        }

        return session.Registered || session.AwaitingLogin ? commands.DispatchAsync(session, command) : GreetThenDispatchAsync(session, command);
    }

    public async ValueTask RejectTooLongAsync(ChatSession session, ReadOnlySequence<byte> head)
    {
        session.LinesReceived++;
        await GreetSilentAsync(session);
        commands.Reject(session, new InvalidCommand(ErrorCodes.LineTooLong, $"line too long (max {MaxLineBytes} bytes); it was dropped"));
    }

    // A person who says nothing for a moment gets the text greeting; a program says "/json" at once.
    public async ValueTask GreetSilentAsync(ChatSession session)
    {
        if (!session.Registered && !session.AwaitingLogin)
        {
            if (session.Mode == WireMode.Json)
            {
                await lifecycle.StartJsonAsync(session, new JsonModeCommand());
            }
            else
            {
                await lifecycle.GreetAsTextAsync(session);
            }
        }
    }

    public ServerEvent? Reply(ChatSession session, ServerEvent reply) => reply;

    // Text and JSON show nobody's away message or real name.
    public bool Shows(ChatSession session, StatusEvent status) => false;

    public int SizeOf(EncodedEvent message, ChatSession session) => message.For(session.Mode).Length;

    public void Write(EncodedEvent message, ChatSession session, IEventOutput output) => output.Share(message.For(session.Mode));

    private async ValueTask<bool> GreetThenDispatchAsync(ChatSession session, ClientCommand? command)
    {
        // /oper as its first line is checked before the greeting: a server operator passes the server's bans, so a
        // ban that matches everyone never locks the operators out.
        if (command is OperCommand)
        {
            var going = await commands.DispatchAsync(session, command);
            await GreetSilentAsync(session);
            return going;
        }

        await GreetSilentAsync(session);
        return await commands.DispatchAsync(session, command);
    }

    private static async ValueTask<bool> Continue(Task done)
    {
        await done;
        return true;
    }
}
