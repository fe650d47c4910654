using Microsoft.Extensions.Logging.Abstractions;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Sessions;
using SocketChat.Server.Storage;
using SocketChat.TestSupport;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Tests.Core;

// What a session is owed for what it appended, alone: no host, no store, no socket.
public sealed class AcknowledgementsTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-01T12:00:00Z", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Answers_InTheOrderSent_WhateverOrderTheStoreFinishesIn()
    {
        var (session, outbound) = JsonSession();
        var acknowledgements = new Acknowledgements(session, NullLogger.Instance);
        var first = new TaskCompletionSource<Appended>(TaskCreationOptions.RunContinuationsAsynchronously);
        var second = new TaskCompletionSource<Appended>(TaskCreationOptions.RunContinuationsAsynchronously);
        acknowledgements.Add(first.Task, "c1", Fingerprint("one"));
        acknowledgements.Add(second.Task, "c2", Fingerprint("two"));

        second.SetResult(Stored(2, "two", "c2", duplicate: false));
        first.SetResult(Stored(1, "one", "c1", duplicate: false));
        await acknowledgements.Drained.WaitAsync(TestTimeouts.Default);

        Assert.Equal([("c1", 1L), ("c2", 2L)], Events(outbound).Cast<AckEvent>().Select(ack => (ack.Cid, ack.Id)));
    }

    [Fact]
    public async Task ResendWithOtherContent_CidReused_TrueResend_AckedWithTheFirstId_NeverStored_NoAnswer()
    {
        var (session, outbound) = JsonSession();
        var acknowledgements = new Acknowledgements(session, NullLogger.Instance);
        var never = new TaskCompletionSource<Appended>();
        never.SetCanceled();

        acknowledgements.Add(Task.FromResult(Stored(5, "original", "c1", duplicate: true)), "c1", Fingerprint("changed"));
        acknowledgements.Add(Task.FromResult(Stored(5, "original", "c1", duplicate: true)), "c1", Fingerprint("original"));
        acknowledgements.Add(never.Task, "c2", Fingerprint("lost"));
        await acknowledgements.Drained.WaitAsync(TestTimeouts.Default);

        var answers = Events(outbound);
        Assert.Equal(2, answers.Count);
        Assert.Equal("cid_reused", Assert.IsType<ErrorEvent>(answers[0]).Code);
        Assert.Equal(("c1", 5L), (Assert.IsType<AckEvent>(answers[1]).Cid, ((AckEvent)answers[1]).Id));
    }

    [Fact]
    public async Task Ack_CarriesTheLineAsStored()
    {
        var (session, outbound) = JsonSession();
        var acknowledgements = new Acknowledgements(session, NullLogger.Instance);

        acknowledgements.Add(Task.FromResult(Stored(3, "as stored", null, duplicate: false)), null, Fingerprint("as stored"), notice: true);
        await acknowledgements.Drained.WaitAsync(TestTimeouts.Default);

        Assert.Equal(new AckedLine("lobby", null, "as stored", true), Assert.IsType<AckEvent>(Assert.Single(Events(outbound))).Line);
    }

    private static (ChatSession Session, OutboundQueue Outbound) JsonSession()
    {
        var outbound = new OutboundQueue(100, 1 << 20);
        return (new ChatSession(1, System.Net.IPAddress.Loopback, "127.0.0.1:1", outbound) { Mode = WireMode.Json, Protocol = TextWire.Instance }, outbound);
    }

    private static ulong Fingerprint(string text) => AcceptedMessage.FingerprintOf(MessageKind.Room, null, text);

    private static Appended Stored(long id, string text, string? cid, bool duplicate) =>
        new(StoredMessage.Of(new Draft(MessageKind.Room, "lobby", "alice", null, text, "token", cid), id, Now), duplicate);

    private static List<ServerEvent> Events(OutboundQueue outbound)
    {
        var events = new List<ServerEvent>();
        while (outbound.TryDequeue(out var message))
        {
            events.Add(message.Event);
        }

        return events;
    }
}
