using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class MetricsTests
{
    [Fact]
    public async Task Meter_CountsConnectionsMessagesDeliveriesBytesAndRejections()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:MaxLineBytes"] = "64" });
        using var meter = new MeterProbe(server);
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await using var carol = await server.ConnectAsAsync("carol");
        await alice.ExpectAsync(line => line == "* guest3 is now known as carol");
        Assert.Equal(3, meter.Total("socketchat.connections"));

        await alice.SendAsync("one");
        await alice.SendAsync("two");
        await alice.SendAsync("/msg bob three");
        await alice.SendAsync(new string('x', 65));
        await alice.SendBytesAsync([0xff, (byte)'\n']);
        await alice.SendAsync("/nosuchcommand");
        await alice.SendAsync("/quit");
        await alice.ReadToEndAsync();
        await bob.ExpectAsync(line => line == "* alice left lobby");

        Assert.Equal(3, meter.Total("socketchat.messages.received"));
        Assert.Equal(5, meter.Total("socketchat.messages.delivered"));
        Assert.Equal(1, meter.Total("socketchat.lines.rejected", "line_too_long"));
        Assert.Equal(1, meter.Total("socketchat.lines.rejected", "invalid_utf8"));
        Assert.Equal(1, meter.Total("socketchat.lines.rejected", "unknown_command"));
        Assert.InRange(meter.Total("socketchat.bytes.received"), 100, 10_000);
        Assert.InRange(meter.Total("socketchat.bytes.sent"), 100, 100_000);
        await meter.WaitForAsync("socketchat.connections", 2);
    }

    [Fact]
    public async Task Meter_TaggedWithTheNodesName()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:NodeName"] = "chat-2" });
        using var meter = new MeterProbe(server);

        Assert.Equal([new("socketchat.node", "chat-2")], meter.Tags);
    }

    [Fact]
    public async Task Meter_SlowClientDropped_Counted()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:MaxQueuedBytesPerClient"] = "65536" });
        using var meter = new MeterProbe(server);
        await using var slow = await TestClient.ConnectAsync(server.Port, receiveBufferSize: 4096);
        await slow.ReadLineAsync();
        await using var sender = await server.ConnectAsAsync("sender");

        // 10 MB for a client that reads nothing more: more than its kernel buffers and its 64 KiB queue hold.
        var line = new string('z', 1000);
        for (var i = 0; i < 10_000; i++)
        {
            await sender.SendAsync(line);
        }

        await meter.WaitForAsync("socketchat.clients.dropped_slow", 1);
    }

    // Listens to this server's meter only: parallel tests each have their own meter factory.
    internal sealed class MeterProbe : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, long> _totals = new();
        private IEnumerable<KeyValuePair<string, object?>>? _tags;

        public MeterProbe(TestServer server)
        {
            var factory = server.Host.Services.GetRequiredService<IMeterFactory>();
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "SocketChat.Server" && ReferenceEquals(instrument.Meter.Scope, factory))
                {
                    _tags = instrument.Meter.Tags;
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
            {
                if (instrument.IsObservable)
                {
                    _totals[instrument.Name] = value;
                    return;
                }

                var code = tags.ToArray().FirstOrDefault(tag => tag.Key == "code").Value as string;
                _totals.AddOrUpdate(Key(instrument.Name, code), value, (_, total) => total + value);
                if (code is not null)
                {
                    _totals.AddOrUpdate(Key(instrument.Name, null), value, (_, total) => total + value);
                }
            });
            _listener.Start();
        }

        // The meter's own tags.
        public KeyValuePair<string, object?>[] Tags => [.. _tags ?? []];

        public long Total(string instrument, string? code = null)
        {
            _listener.RecordObservableInstruments();
            return _totals.GetValueOrDefault(Key(instrument, code));
        }

        public async Task WaitForAsync(string instrument, long total)
        {
            using var timeout = new CancellationTokenSource(TestTimeouts.Default);
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(10));
            while (Total(instrument) != total)
            {
                await timer.WaitForNextTickAsync(timeout.Token);
            }
        }

        public void Dispose() => _listener.Dispose();

        private static string Key(string instrument, string? code) => code is null ? instrument : $"{instrument}/{code}";
    }
}
