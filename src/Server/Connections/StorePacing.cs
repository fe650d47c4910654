using SocketChat.Server.Sessions;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Connections;

// The store sets a sender's pace. While few messages are waiting to be stored and delivered (fewer than a quarter
// of what one recipient's queue may hold), a client's next lines are taken at once, so the writer has a full batch;
// past that, it waits for its own lines, so messages in flight can never overflow a recipient's queue before
// backpressure (which needs them delivered to see congestion) can act.
internal sealed class StorePacing(SessionCommands commands, int inFlightLimit)
{
    public Task KeepUpAsync(ChatSession session, CancellationToken cancellationToken) => commands.Pending <= inFlightLimit
        ? Task.CompletedTask
        : commands.WhenDeliveredAsync(session).WaitAsync(cancellationToken);
}
