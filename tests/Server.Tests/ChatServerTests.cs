using System.Text;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class ChatServerTests
{
    [Fact]
    public async Task Connect_NewClients_GetGuestNicknamesInLobby()
    {
        await using var server = await TestServer.StartAsync();
        await using var first = await server.ConnectAsync();
        Assert.Equal("* welcome to SocketChat, guest1! You are in lobby. Type /help for commands.", await first.ReadLineAsync());

        await using var second = await server.ConnectAsync();

        Assert.Equal("* welcome to SocketChat, guest2! You are in lobby. Type /help for commands.", await second.ReadLineAsync());
        Assert.Equal("* guest2 joined lobby", await first.ReadLineAsync());
    }

    [Fact]
    public async Task Ping_FirstLine_AnsweredWithoutJoiningAnyRoom()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using (var probe = await server.ConnectAsync())
        {
            await probe.SendAsync("/ping");
            Assert.Equal("* pong", await probe.ReadLineAsync());
        }

        await alice.SendAsync("/who");

        Assert.Equal("* lobby (1): alice", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Broadcast_TwoClients_OtherClientReceivesLine()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await alice.SendAsync("hello bob");
        await bob.SendAsync("hi alice");

        Assert.Equal("alice: hello bob", await bob.ReadLineAsync());
        Assert.Equal("bob: hi alice", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Broadcast_Sender_DoesNotReceiveOwnLine()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");

        await alice.SendAsync("talking to myself");
        await alice.SendAsync("/who");

        Assert.Equal("* lobby (1): alice", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Broadcast_TwentyClientsFiveLinesEach_EveryoneReceivesEveryOtherLineInOrder()
    {
        await using var server = await TestServer.StartAsync();
        var clients = new List<TestClient>();
        for (var i = 0; i < 20; i++)
        {
            clients.Add(await server.ConnectAsAsync($"user{i}"));
        }

        // Everyone has seen the last rename, so everyone is in the room before the first line is sent.
        foreach (var client in clients.SkipLast(1))
        {
            await client.ExpectAsync(line => line == "* guest20 is now known as user19");
        }

        await Task.WhenAll(clients.Select(async (client, i) =>
        {
            for (var n = 0; n < 5; n++)
            {
                await client.SendAsync($"line {n} from {i}");
            }
        }));

        var received = await Task.WhenAll(clients.Select(async client =>
        {
            var lines = new List<string>();
            for (var n = 0; n < 19 * 5; n++)
            {
                lines.Add((await client.ReadLineAsync())!);
            }

            return lines;
        }));

        for (var i = 0; i < 20; i++)
        {
            for (var sender = 0; sender < 20; sender++)
            {
                var fromSender = received[i].Where(line => line.StartsWith($"user{sender}: ", StringComparison.Ordinal)).ToList();
                var expected = sender == i ? [] : Enumerable.Range(0, 5).Select(n => $"user{sender}: line {n} from {sender}").ToList();
                Assert.Equal(expected, fromSender);
            }
        }

        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task PresenceRoomSizeLimit_LargerRoomDoesNotAnnounceArrivals_MessagesStillFlow()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:PresenceRoomSizeLimit"] = "2" });
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await using var carol = await server.ConnectAsync();
        await carol.ReadLineAsync();
        await carol.SendAsync("hi, quietly");

        Assert.Equal("guest3: hi, quietly", await alice.ReadLineAsync());
        await carol.SendAsync("/who");
        Assert.Equal("* lobby (3): alice, bob, guest3", await carol.ReadLineAsync());
    }

    [Fact]
    public async Task Who_RoomLargerThanAPage_ListedAHundredAtATime()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:History:OnJoin"] = "0" });
        var crowd = new List<TestClient>();
        for (var i = 0; i < 101; i++)
        {
            // A blank line gets a connection greeted at once, without the greeting delay.
            var client = await server.ConnectAsync();
            await client.SendAsync(string.Empty);
            await client.ReadLineAsync();
            crowd.Add(client);
        }

        await crowd[0].SendAsync("/who 2");
        var second = await crowd[0].ExpectAsync(line => line.StartsWith("* lobby (", StringComparison.Ordinal));
        await crowd[0].SendAsync("/who");
        var first = await crowd[0].ExpectAsync(line => line.StartsWith("* lobby (", StringComparison.Ordinal));

        Assert.Equal("* lobby (101, page 2 of 2): guest99", second);
        Assert.StartsWith("* lobby (101, page 1 of 2): guest1, guest10, guest100, guest101, guest11, ", first, StringComparison.Ordinal);
        Assert.Equal(100, first[(first.IndexOf("): ", StringComparison.Ordinal) + 3)..].Split(", ").Length);
        foreach (var client in crowd)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Burst_ManySendersSmallQueues_SendersHeldBackAndNobodyDropped()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:MaxQueuedBytesPerClient"] = "65536",
            ["Chat:MaxQueuedMessagesPerClient"] = "500",
        });
        var clients = new List<TestClient>();
        for (var i = 0; i < 8; i++)
        {
            clients.Add(await server.ConnectAsAsync($"user{i}"));
        }

        foreach (var client in clients.SkipLast(1))
        {
            await client.ExpectAsync(line => line == "* guest8 is now known as user7");
        }

        // Every client sends 2,000 lines at once: each receives 14,000 (about 3 MB), far more than its 64 KiB queue.
        var payload = new string('p', 150);
        var sending = clients.Select((client, i) => client.SendBytesAsync(System.Text.Encoding.UTF8.GetBytes(
            string.Concat(Enumerable.Range(0, 2000).Select(n => $"{i} {n} {payload}\n"))))).ToArray();
        var received = await Task.WhenAll(clients.Select(async client =>
        {
            var count = 0;
            for (var n = 0; n < 7 * 2000; n++)
            {
                if ((await client.ReadLineAsync())?.StartsWith("user", StringComparison.Ordinal) == true)
                {
                    count++;
                }
            }

            return count;
        }));
        await Task.WhenAll(sending).WaitAsync(TestTimeouts.Default);

        Assert.All(received, count => Assert.Equal(7 * 2000, count));
        Assert.DoesNotContain(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Dropped slow client", StringComparison.Ordinal));
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    [Fact]
    public async Task Nick_TakenByAnother_GetsErrorAndKeepsName()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var other = await server.ConnectAsync();
        await other.ReadLineAsync();

        await other.SendAsync("/nick ALICE");
        await other.SendAsync("/nick bad name");
        await other.SendAsync("/nick server");

        Assert.Equal("! error: nickname ALICE is already taken", await other.ReadLineAsync());
        Assert.Equal("! error: usage: /nick NAME", await other.ReadLineAsync());
        Assert.StartsWith("! error: invalid nickname", await other.ReadLineAsync(), StringComparison.Ordinal);
        await other.SendAsync("/who");
        Assert.Equal("* lobby (2): alice, guest2", await other.ReadLineAsync());
    }

    [Fact]
    public async Task RenameThenSay_OthersHearTheRenameBeforeTheLine_TheRenamedOneFirst()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await alice.SendBytesAsync(Encoding.UTF8.GetBytes("/nick alicia\nfirst as alicia\n/who\n"));

        Assert.Equal(["* alice is now known as alicia", "* lobby (2): alicia, bob"], await alice.ReadLinesAsync(2));
        Assert.Equal(["* alice is now known as alicia", "alicia: first as alicia"], await bob.ReadLinesAsync(2));
    }

    [Fact]
    public async Task Join_OtherRoom_MessagesStayInTheirRoom()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await using var carol = await server.ConnectAsAsync("carol");
        await alice.ExpectAsync(line => line == "* guest3 is now known as carol");
        await bob.ExpectAsync(line => line == "* guest3 is now known as carol");

        await bob.SendAsync("/join dev");
        Assert.Equal("* bob joined dev", await bob.ReadLineAsync());
        Assert.Equal("* bob left lobby", await alice.ReadLineAsync());
        await carol.SendAsync("/join DEV");
        Assert.Equal("* carol joined dev", await carol.ExpectAsync(line => line.Contains("dev", StringComparison.Ordinal)));
        Assert.Equal("* carol joined dev", await bob.ReadLineAsync());
        await alice.SendAsync("lobby only");
        await carol.SendAsync("dev only");

        Assert.Equal("carol: dev only", await bob.ReadLineAsync());
        await alice.SendAsync("/who");
        Assert.Equal("* carol left lobby", await alice.ReadLineAsync());
        Assert.Equal("* lobby (1): alice", await alice.ReadLineAsync());
        await bob.SendAsync("/who");
        Assert.Equal("* dev (2): ~bob, carol", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Msg_ToNick_OnlyRecipientReceives()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await using var carol = await server.ConnectAsAsync("carol");
        await alice.ExpectAsync(line => line == "* guest3 is now known as carol");

        await alice.SendAsync("/msg carol just for you");
        await alice.SendAsync("/msg nobody hello?");
        await alice.SendAsync("everyone");

        Assert.Equal("[private] alice: just for you", await carol.ReadLineAsync());
        Assert.Equal("alice: everyone", await carol.ReadLineAsync());
        Assert.Equal("alice: everyone", await bob.ExpectAsync(line => !line.StartsWith('*')));
        Assert.Equal("! error: no such nick: nobody", await alice.ExpectAsync(line => line.StartsWith('!')));
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        await using var server = await TestServer.StartAsync();
        await using var client = await server.ConnectAsync();
        await client.ReadLineAsync();

        await client.SendAsync("/help");
        await client.SendAsync("/who");
        var lines = new List<string>();
        while (await client.ReadLineAsync() is { } line && !line.StartsWith("* lobby", StringComparison.Ordinal))
        {
            lines.Add(line);
        }

        foreach (var command in new[] { "/nick NAME", "/join ROOM", "/who", "/msg NICK TEXT", "/help", "/quit" })
        {
            Assert.Contains(lines, line => line.Contains(command, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task LongLine_GetsErrorAndConnectionStaysUp()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:MaxLineBytes"] = "100" });
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");

        await alice.SendAsync(new string('x', 101));
        await alice.SendAsync(new string('y', 100));

        Assert.Equal("! error: line too long (max 100 bytes); it was dropped", await alice.ExpectAsync(line => line.StartsWith('!')));
        Assert.Equal("alice: " + new string('y', 100), await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task InvalidUtf8_GetsErrorAndConnectionStaysUp()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");

        await alice.SendBytesAsync([0x62, 0x61, 0x64, 0xff, 0xfe, (byte)'\n']);
        await alice.SendAsync("still here");

        Assert.Equal("! error: line is not valid UTF-8; it was dropped", await alice.ExpectAsync(line => line.StartsWith('!')));
        Assert.Equal("alice: still here", await bob.ExpectAsync(line => line.StartsWith("alice:", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task ControlCharacters_RemovedBeforeDelivery()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await alice.SendAsync("\u001b[2Jgone\u0007\u009b31m\tok\rforged: line");

        Assert.Equal("alice: [2Jgone31m\tokforged: line", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task BidiAndInvisibleCharacters_ShownAsCodePointsInTextMode_CarriedAsDataInJsonMode()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await using var carol = await JsonModeTests.ConnectJsonAsync(server, "carol");
        await alice.ExpectAsync(line => line == "* guest3 is now known as carol");
        await bob.ExpectAsync(line => line == "* guest3 is now known as carol");

        await alice.SendAsync("invoice_\u202Efdp.exe \u2066x\u2069\u200B\u2028\uFEFF");

        Assert.Equal("alice: invoice_<U+202E>fdp.exe <U+2066>x<U+2069><U+200B><U+2028><U+FEFF>", await bob.ReadLineAsync());
        var json = await carol.ReadLineAsync();
        Assert.Equal("invoice_\u202Efdp.exe \u2066x\u2069\u200B\u2028\uFEFF", System.Text.Json.JsonDocument.Parse(json!).RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task CrLfAndSplitCharacter_ArriveWhole()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");
        var bytes = Encoding.UTF8.GetBytes("grüße 😀\r\n");

        await alice.SendBytesAsync(bytes[..3]);
        await alice.SendBytesAsync(bytes[3..9]);
        await alice.SendBytesAsync(bytes[9..]);

        Assert.Equal("alice: grüße 😀", await bob.ReadLineAsync());
    }

    [Fact]
    public async Task Quit_SaysByeAndCloses_OthersSeeLeave()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsAsync("bob");
        await alice.ExpectAsync(line => line == "* guest2 is now known as bob");

        await bob.SendAsync("/quit");

        Assert.Equal(["* bye"], await bob.ReadToEndAsync());
        Assert.Equal("* bob left lobby", await alice.ReadLineAsync());
    }

    [Fact]
    public async Task Shutdown_TellsEveryClientAndStops()
    {
        var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");
        await using var bob = await server.ConnectAsync();
        await bob.ReadLineAsync();

        await server.Host.StopAsync().WaitAsync(TestTimeouts.Default);

        Assert.Equal(["* guest2 joined lobby", "* server shutting down"], await alice.ReadToEndAsync());
        Assert.Equal(["* server shutting down"], await bob.ReadToEndAsync());
        server.Host.Dispose();
    }

    [Fact]
    public async Task SlowClient_NeverReads_IsDroppedWhileOthersKeepReceiving()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:MaxQueuedBytesPerClient"] = "65536",
            ["Chat:ShutdownGraceSeconds"] = "1",
        });
        await using var slow = await TestClient.ConnectAsync(server.Port, receiveBufferSize: 4096);
        Assert.StartsWith("* welcome to SocketChat, guest1!", await slow.ReadLineAsync(), StringComparison.Ordinal);
        await using var sender = await server.ConnectAsAsync("sender");
        await using var reader = await server.ConnectAsAsync("reader");
        await sender.ExpectAsync(line => line == "* guest3 is now known as reader");
        var payload = new string('z', 1000);

        // Far more than the slow client's kernel buffers plus its 64 KiB queue can hold; sent in small batches
        // that the reader takes in turn, so only the client that never reads falls behind.
        for (var batch = 0; batch < 400; batch++)
        {
            for (var i = 0; i < 20; i++)
            {
                await sender.SendAsync($"{batch}.{i} {payload}");
            }

            for (var i = 0; i < 20; i++)
            {
                Assert.Equal($"sender: {batch}.{i} {payload}", await reader.ExpectAsync(line => !line.StartsWith('*')));
            }
        }

        await reader.SendAsync("/who");
        Assert.Equal("* lobby (2): reader, sender", await reader.ExpectAsync(line => line.StartsWith("* lobby", StringComparison.Ordinal)));
        Assert.Contains(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Dropped slow client", StringComparison.Ordinal)
            && e.Properties["Nick"].ToString() == "\"guest1\"");
    }

    [Fact]
    public async Task DefaultHost_AcceptsIPv4AndIPv6Loopback()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Host"] = "*" });
        await using var v6 = await TestClient.ConnectAsync(System.Net.IPAddress.IPv6Loopback, server.Port);
        Assert.StartsWith("* welcome to SocketChat, guest1!", await v6.ReadLineAsync(), StringComparison.Ordinal);
        await using var v4 = await TestClient.ConnectAsync(System.Net.IPAddress.Loopback, server.Port);
        Assert.StartsWith("* welcome to SocketChat, guest2!", await v4.ReadLineAsync(), StringComparison.Ordinal);

        await v4.SendAsync("hello over IPv4");

        Assert.Equal("* guest2 joined lobby", await v6.ReadLineAsync());
        Assert.Equal("guest2: hello over IPv4", await v6.ReadLineAsync());
    }

    [Fact]
    public async Task PrivateLineFromNc_TheSenderSeesWhatItSent_OnceStored()
    {
        await using var server = await TestServer.StartAsync();
        await using var bob = await server.ConnectAsAsync("bob");
        await using var alice = await server.ConnectAsAsync("alice");
        await bob.ExpectAsync(line => line.EndsWith("is now known as alice", StringComparison.Ordinal));

        await bob.SendAsync("/msg alice just you");

        Assert.Equal("* private to alice: just you", await bob.ReadLineAsync());
        Assert.Equal("[private] bob: just you", await alice.ReadLineAsync());
    }
}
