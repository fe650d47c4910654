using SocketChat.TestSupport;

namespace SocketChat.Server.Tests;

public sealed class LimitsTests
{
    [Fact]
    public async Task MaxConnections_OneOverTheLimit_RefusedWithOneLineThenClosed_SpaceFreedOnLeave()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:MaxConnections"] = "2" });
        await using var first = await server.ConnectAsAsync("first");
        await using var second = await server.ConnectAsAsync("second");

        await using (var third = await server.ConnectAsync())
        {
            Assert.Equal(["! error: the server is full (2 connections); try again later"], await third.ReadToEndAsync());
        }

        await second.SendAsync("/quit");
        await second.ReadToEndAsync();
        await first.ExpectAsync(line => line == "* second left lobby");
        await using var fourth = await server.ConnectAsync();
        Assert.StartsWith("* welcome", await fourth.ReadLineAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MaxConnectionsPerIp_LoopbackNotExempt_ThirdRefused()
    {
        await using var server = await TestServer.StartAsync(new()
        {
            ["Chat:Limits:MaxConnectionsPerIp"] = "2",
            ["Chat:Limits:ExemptLoopback"] = "false",
        });
        await using var first = await server.ConnectAsAsync("first");
        await using var second = await server.ConnectAsAsync("second");

        await using var third = await server.ConnectAsync();

        Assert.Equal(["! error: too many connections from your address (at most 2)"], await third.ReadToEndAsync());
        Assert.Contains(server.Log.Events, e => e.MessageTemplate.Text.StartsWith("Refused a connection", StringComparison.Ordinal));
    }

    [Fact]
    public async Task MaxConnectionsPerIp_LoopbackExemptByDefault_Admitted()
    {
        await using var server = await TestServer.StartAsync(new() { ["Chat:Limits:MaxConnectionsPerIp"] = "1" });
        await using var first = await server.ConnectAsAsync("first");

        await using var second = await server.ConnectAsync();

        Assert.StartsWith("* welcome", await second.ReadLineAsync(), StringComparison.Ordinal);
    }
}
