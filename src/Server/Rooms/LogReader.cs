using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Operator;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Rooms;

/// <summary>
/// Reads what the log stored, in order, and hands each entry to the fan-out: room messages and presence to their
/// room, private messages to their recipient, operator lines to everyone. This is where a message is logged as an event and shown on
/// the operator console: once, when it is delivered. Registered before the log so it stops after it, delivering
/// (and logging) what the log stored on its way down.
/// </summary>
internal sealed class LogReader(
    MessageLog log,
    RoomDirectory directory,
    IRoomFanout fanout,
    ServerMetrics metrics,
    OperatorDisplay display,
    MessageEvents messageEvents,
    ILogger<LogReader> logger) : BackgroundService
{
    // Not stoppingToken: the reader ends when the log has stored its last batch and completes what it hands over.
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var batch in log.Committed.ReadAllAsync(CancellationToken.None))
        {
            log.Exclusive(() =>
            {
                foreach (var message in batch)
                {
                    Deliver(message);
                }

                log.Delivered(batch);
                return true;
            });
        }
    }

    private void Deliver(StoredMessage message)
    {
        // The sender's connection, if it is still here: its scope on the event, and its pace (backpressure).
        var sender = message.Origin == 0 ? null : directory.FindById(message.Origin);
        try
        {
            switch (message.Kind)
            {
                case MessageKind.Room:
                    fanout.DeliverRoomMessage(message, sender);
                    metrics.MessageReceived();
                    messageEvents.MessageReceived(message, sender?.LogScope);
                    if (display.Enabled)
                    {
                        display.Show(OperatorDisplay.Said(message.From, sender?.RemoteEndPoint ?? "gone", $"[{message.Room}]", message.Text));
                    }

                    break;
                case MessageKind.Private:
                    fanout.DeliverPrivate(message, sender);
                    metrics.MessageReceived();
                    messageEvents.PrivateMessage(message, sender?.LogScope);
                    if (display.Enabled)
                    {
                        display.Show(OperatorDisplay.Said(message.From, sender?.RemoteEndPoint ?? "gone", $"-> {message.To}", message.Text));
                    }

                    break;
                case MessageKind.Announcement:
                    fanout.DeliverAnnouncement(message);
                    messageEvents.OperatorMessage(message);
                    break;
                case MessageKind.Presence when !message.Local:
                    // Another server's: its own members were told when it happened, this one's are told now.
                    fanout.Notify(message.Room!, message.ToPresenceEvent());
                    break;
            }
        }
        catch (Exception ex)
        {
            // One recipient's failure must not hold up the others or the log.
            using var scope = sender is null ? null : logger.BeginScope(sender.LogScope);
            ServerLog.DeliveryFailed(logger, message.Id, ex);
        }
    }
}
