using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SocketChat.Protocol.Events;
using SocketChat.Server.Configuration;
using SocketChat.Server.Sessions;
using SocketChat.Server.Diagnostics;
using SocketChat.Server.Logging;
using SocketChat.Server.Operator;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Tests.Core;

// The rooms, the names and the log reader over a memory store, with no host, socket or timer of their own.
internal sealed class RoomsHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private long _ids;

    public RoomsHarness()
    {
        var options = Options.Create(new ChatOptions { OperatorConsole = OperatorConsoleMode.Off });
        var metrics = new ServerMetrics(_services.GetRequiredService<IMeterFactory>(), "test");
        Store = new MemoryMessageStore(100);
        Users = new Users(new LocalNames(), options, Clock);
        Moderation = new Moderation(options, Clock);
        Log = new MessageLog(Store, new StoreHealth(), Clock, metrics, options, NullLogger<MessageLog>.Instance, judge: new LineJudge(Users, Moderation));
        Recent = new RecentNames(Clock);
        Reader = new LogReader(
            Log,
            Rooms,
            Users,
            new RoomFanout(Rooms, Users, metrics, options),
            new LocalNames(),
            metrics,
            new OperatorDisplay(new TestConsoleBridge(isTerminal: false), options),
            new MessageEvents(Serilog.Core.Logger.None),
            Recent,
            Moderation,
            Clock,
            NullLogger<LogReader>.Instance);
        Log.StartAsync(CancellationToken.None).GetAwaiter().GetResult();
    }

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public MemoryMessageStore Store { get; }

    public Moderation Moderation { get; }

    public MessageLog Log { get; }

    public RoomDirectory Rooms { get; } = new();

    public Users Users { get; }

    public RecentNames Recent { get; }

    public LogReader Reader { get; }

    public ChatSession Session(int maxMessages = 100) =>
        new(++_ids, System.Net.IPAddress.Loopback, $"127.0.0.1:{_ids}", new OutboundQueue(maxMessages, 1 << 20)) { Protocol = TextWire.Instance };

    // A guest with a name (guest1, guest2…) in no room yet.
    public ChatSession Guest()
    {
        var session = Session();
        Users.RegisterGuestAsync(session).GetAwaiter().GetResult();
        return session;
    }

    // Applies a change as the reader's loop would, and returns what it did.
    public RoomChanged Apply(RoomChange change)
    {
        Reader.ApplyOne(change);
        Assert.True(change.Done.Task.IsCompletedSuccessfully, change.Done.Task.Exception?.ToString());
        return change.Done.Task.Result;
    }

    // Stores one room message and has the reader deliver it.
    public async Task<StoredMessage> SayAsync(ChatSession from, string text)
    {
        var appended = await Log.AppendAsync(new Draft(MessageKind.Room, from.Room, from.Nick, null, text, Origin: from.Id)).WaitAsync(TestTimeouts.Default);
        var batch = await Log.Committed.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default);
        Reader.Deliver(batch);
        return appended.Message;
    }

    // Stores one moderation entry and has the reader apply it.
    public async Task ModerateAsync(ModerationRecord record)
    {
        await Log.AppendAsync(record.ToDraft()).WaitAsync(TestTimeouts.Default);
        Reader.Deliver(await Log.Committed.ReadAsync().AsTask().WaitAsync(TestTimeouts.Default));
    }

    // Everything queued for session so far, taken out of its queue.
    public static List<ServerEvent> Received(ChatSession session)
    {
        var received = new List<ServerEvent>();
        while (session.Outbound.TryDequeue(out var message))
        {
            received.Add(message.Event);
        }

        return received;
    }

    // The presence notices among what session received, as (action, room, nick).
    public static List<(PresenceAction, string, string)> Presence(ChatSession session) =>
        Received(session).OfType<PresenceEvent>().Select(notice => (notice.Action, notice.Room, notice.Nick)).ToList();

    // Stops the log: it ends the stream the reader reads.
    public async Task StopLogAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await Log.StopAsync(CancellationToken.None);
        }
    }

    private bool _stopped;

    public async ValueTask DisposeAsync()
    {
        await StopLogAsync();
        Log.Dispose();
        await _services.DisposeAsync();
    }
}
