using Serilog.Events;
using Serilog.Parsing;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Rooms;

// The events each message is logged as (MessageReceived, PrivateMessage, OperatorMessage),
// written to Serilog directly with the same templates, event ids, names and properties as the rest of the log.
// Through Microsoft.Extensions.Logging each cost a scope for the sender's connection, a state object and the
// bridge building every property again: a fifth of the server's CPU under a message-heavy load. Here the
// template is parsed once, the event id's property is made once, and a connection's properties once per connection.
internal sealed class MessageEvents(Serilog.ILogger serilog)
{
    private static readonly Kind Room = new(4, "MessageReceived", "Message {MessageId} in {Room} from {Nick}: {Text}");
    private static readonly Kind Private = new(5, "PrivateMessage", "Private message {MessageId} from {Nick} to {Recipient}: {Text}");
    private static readonly Kind Operator = new(6, "OperatorMessage", "Operator message {MessageId}: {Text}");

    // The source the level overrides (Serilog:MinimumLevel:Override) know these events by.
    private readonly Serilog.ILogger _logger = serilog.ForContext(Serilog.Core.Constants.SourceContextPropertyName, typeof(Rooms.LogReader).FullName);

    public void MessageReceived(StoredMessage message, ConnectionLogScope? sender) =>
        Write(Room, sender, new("MessageId", new ScalarValue(message.Id)), new("Room", new ScalarValue(message.Room)), new("Nick", new ScalarValue(message.From)), new("Text", new ScalarValue(message.Text)));

    public void PrivateMessage(StoredMessage message, ConnectionLogScope? sender) =>
        Write(Private, sender, new("MessageId", new ScalarValue(message.Id)), new("Nick", new ScalarValue(message.From)), new("Recipient", new ScalarValue(message.To)), new("Text", new ScalarValue(message.Text)));

    public void OperatorMessage(StoredMessage message) =>
        Write(Operator, null, new("MessageId", new ScalarValue(message.Id)), new("Text", new ScalarValue(message.Text)));

    private void Write(Kind kind, ConnectionLogScope? sender, params ReadOnlySpan<LogEventProperty> own)
    {
        if (!_logger.IsEnabled(LogEventLevel.Information))
        {
            return;
        }

        var properties = new List<LogEventProperty>(own.Length + 4);
        properties.AddRange(own);
        properties.Add(kind.EventId);
        if (sender is not null)
        {
            properties.Add(sender.ConnectionIdProperty);
            properties.Add(sender.RemoteEndPointProperty);
            properties.Add(sender.ProtocolProperty);
        }

        _logger.Write(new LogEvent(DateTimeOffset.Now, LogEventLevel.Information, null, kind.Template, properties));
    }

    private sealed class Kind(int id, string name, string template)
    {
        public MessageTemplate Template { get; } = new MessageTemplateParser().Parse(template);

        // As Serilog.Extensions.Logging writes an EventId: {"Id": 4, "Name": "MessageReceived"}.
        public LogEventProperty EventId { get; } = new("EventId", new StructureValue([new("Id", new ScalarValue(id)), new("Name", new ScalarValue(name))]));
    }
}
