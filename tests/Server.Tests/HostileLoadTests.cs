using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;
using SocketChat.TestSupport;
using Xunit.Abstractions;

namespace SocketChat.Server.Tests;

// The server under attack while people chat: 1,000 connections trickling bytes that never end a line, 50 sending
// random bytes, one flooding — and 20 ordinary clients exchange every line, with nothing lost and no error.
[Collection(LoadTestsRunAlone.Name)]
[Trait("Category", "Slow")]
public sealed partial class HostileLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task HostileLoad_OrdinaryClientsLoseNothingAndMemoryStaysBounded()
    {
        await using var server = ChildProcess.StartServer([
            "--Chat:Port=0", "--Chat:Host=127.0.0.1", "--Serilog:MinimumLevel:Override:SocketChat.Server.Sessions=Warning",
            "--Chat:Limits:ExemptLoopback=false", "--Chat:Limits:MaxConnectionsPerIp=2000",
            "--Chat:Limits:MessagesPerSecond=50", "--Chat:Limits:Burst=50", "--Chat:Limits:FloodTimeoutSeconds=2"]);
        server.StandardInput.Close();
        var port = await server.ReadListeningPortAsync();

        var tricklers = new List<Socket>();
        for (var i = 0; i < 1000; i++)
        {
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port)).WaitAsync(TestTimeouts.Default);
            await socket.SendAsync("never ends"u8.ToArray());
            tricklers.Add(socket);
        }

        var people = new List<TestClient>();
        for (var i = 0; i < 20; i++)
        {
            var person = await TestClient.ConnectAsync(port);
            await person.ReadLineAsync();
            await person.SendAsync($"/nick person{i}");
            await person.SendAsync("/join ok");
            await person.ExpectAsync(line => line == $"* person{i} joined ok");
            people.Add(person);
        }

        foreach (var person in people.SkipLast(1))
        {
            await person.ExpectAsync(line => line == "* person19 joined ok");
        }

        using var stop = new CancellationTokenSource();
        var attackers = Enumerable.Range(0, 50).Select(seed => RandomBytesAsync(port, seed, stop.Token)).Append(FloodAsync(port, stop.Token)).ToArray();

        var talking = people.Select(async (person, i) =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
            for (var n = 0; n < 20; n++)
            {
                await person.SendAsync($"line {n} from {i}");
                await timer.WaitForNextTickAsync();
            }
        }).ToArray();
        var listening20 = people.Select(async (person, i) =>
        {
            var lines = new List<string>();
            while (lines.Count < 19 * 20)
            {
                lines.Add((await person.ReadLineAsync())!);
            }

            return lines;
        }).ToArray();

        await Task.WhenAll(talking).WaitAsync(TimeSpan.FromSeconds(60));
        var heard = await Task.WhenAll(listening20).WaitAsync(TimeSpan.FromSeconds(60));
        var peak = PeakResidentKiB(server.Id);
        await stop.CancelAsync();
        var flooderHeard = await attackers[^1].WaitAsync(TimeSpan.FromSeconds(30));
        await Task.WhenAll(attackers).WaitAsync(TimeSpan.FromSeconds(30));

        for (var i = 0; i < 20; i++)
        {
            Assert.DoesNotContain(heard[i], line => line.StartsWith('!'));
            for (var sender = 0; sender < 20; sender++)
            {
                var expected = sender == i ? [] : Enumerable.Range(0, 20).Select(n => $"person{sender}: line {n} from {sender}").ToList();
                Assert.Equal(expected, heard[i].Where(line => line.StartsWith($"person{sender}: ", StringComparison.Ordinal)).ToList());
            }
        }

        Assert.Contains(flooderHeard, line => line.StartsWith("! error: disconnected for flooding", StringComparison.Ordinal));
        output.WriteLine($"server peak RSS with 1,071 connections under attack: {peak / 1024} MiB");
        Assert.InRange(peak, 1, 512 * 1024);
        foreach (var socket in tricklers)
        {
            socket.Dispose();
        }

        foreach (var person in people)
        {
            await person.DisposeAsync();
        }

        await server.TerminateAsync();
    }

    private static long PeakResidentKiB(int processId)
    {
        var status = File.ReadAllLines($"/proc/{processId}/status").Single(line => line.StartsWith("VmHWM:", StringComparison.Ordinal));
        return long.Parse(Regex.Match(status, @"\d+").Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static async Task<List<string>> RandomBytesAsync(int port, int seed, CancellationToken stop)
    {
        var random = new Random(seed);
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var reading = DrainAsync(socket);
        var chunk = new byte[512];
        try
        {
            while (!stop.IsCancellationRequested)
            {
                random.NextBytes(chunk);
                chunk[random.Next(chunk.Length)] = (byte)'\n';
                await socket.SendAsync(chunk, stop);
                await Task.Delay(20, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // Stopped, or disconnected for flooding: either way the attack is over.
        }

        socket.Shutdown(SocketShutdown.Both);
        return await reading;
    }

    private static async Task<List<string>> FloodAsync(int port, CancellationToken stop)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        var reading = DrainAsync(socket);
        var flood = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Repeat("flood flood flood\n", 500)));
        try
        {
            while (!stop.IsCancellationRequested && !reading.IsCompleted)
            {
                await socket.SendAsync(flood, stop);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or SocketException)
        {
            // Cut off by the server, as it should be.
        }

        return await reading;
    }

    private static async Task<List<string>> DrainAsync(Socket socket)
    {
        var received = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (SocketException)
        {
            // Reset after being cut off.
        }

        return Encoding.UTF8.GetString(received.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
