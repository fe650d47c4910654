using Serilog.Events;
using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class LoggingTests
{
    [Fact]
    public async Task Message_LoggedAsOneStructuredEvent()
    {
        await using var server = await TestServer.StartAsync();
        await using var alice = await server.ConnectAsAsync("alice");

        await alice.SendAsync("for the record");
        await alice.SendAsync("/who");
        await alice.ReadLineAsync();

        // /who is answered only once the message before it is stored, delivered and logged.
        var logged = Assert.Single(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Message {MessageId}", StringComparison.Ordinal));
        Assert.Equal(LogEventLevel.Information, logged.Level);
        Assert.Equal("\"alice\"", logged.Properties["Nick"].ToString());
        Assert.Equal("\"lobby\"", logged.Properties["Room"].ToString());
        Assert.Equal("\"for the record\"", logged.Properties["Text"].ToString());
        Assert.Equal("1", logged.Properties["MessageId"].ToString());
        Assert.Matches("^\"127\\.0\\.0\\.1:\\d+\"$", logged.Properties["RemoteEndPoint"].ToString());
        Assert.True(logged.Properties.ContainsKey("ConnectionId"));
    }

    [Fact]
    public async Task Disconnect_LoggedWithReason()
    {
        await using var server = await TestServer.StartAsync();
        await using (var alice = await server.ConnectAsAsync("alice"))
        {
            await alice.SendAsync("/quit");
            await alice.ReadToEndAsync();
        }

        await using var bob = await server.ConnectAsync();
        await bob.ReadLineAsync();
        await bob.SendAsync("/who");
        await bob.ReadLineAsync();

        var logged = Assert.Single(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Client {Nick} disconnected", StringComparison.Ordinal));
        Assert.Equal("\"alice\"", logged.Properties["Nick"].ToString());
        Assert.Equal("\"quit\"", logged.Properties["Reason"].ToString());
    }
}
