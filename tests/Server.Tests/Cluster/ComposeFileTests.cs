using System.Globalization;
using System.Net;
using System.Text.Json;
using SocketChat.TestSupport;
using YamlDotNet.Core;
using YamlDotNet.Serialization;

namespace SocketChat.Server.Tests.Cluster;

// deploy/cluster/compose.yml, read as Docker Compose reads it (anchors and merge keys resolved). No Docker engine
// runs here, so what would break a `docker compose up` is checked instead: services that disagree on an address
// or a port, a mounted file that is not there, and a node environment the server refuses.
public sealed class ComposeFileTests
{
    private const int ContainerPort = 8080;
    private const int WebPort = 8090;
    private static readonly string[] Nodes = ["node1", "node2", "node3"];

    [Fact]
    public void Compose_ServicesAgreeOnAddressesAndPorts_AndEveryMountedFileExists()
    {
        var compose = Compose.Read();
        var balancer = compose.Service("balancer");
        var balancerAddress = compose.Address("balancer");
        var subnet = IPNetwork.Parse(compose.Subnet);

        Assert.Equal(["balancer", "node1", "node2", "node3", "redis"], compose.ServiceNames.Order());
        Assert.True(subnet.Contains(balancerAddress), $"{balancerAddress} outside {subnet}");
        Assert.Equal($":{ContainerPort}", Environment(balancer)["SOCKETCHAT_LISTEN"]);
        Assert.Equal([$"{ContainerPort}:{ContainerPort}", $"{WebPort}:{WebPort}"], Strings(balancer["ports"]));
        Assert.Equal($":{WebPort}", Environment(balancer)["SOCKETCHAT_WEB_LISTEN"]);
        Assert.Contains("/usr/local/etc/haproxy/haproxy-web.cfg", Strings(balancer["command"]));

        for (var i = 0; i < Nodes.Length; i++)
        {
            var node = compose.Service(Nodes[i]);
            var environment = Environment(node);
            var address = compose.Address(Nodes[i]);

            Assert.True(subnet.Contains(address), $"{Nodes[i]} at {address} outside {subnet}");
            Assert.Equal($"{address}:{ContainerPort}", Environment(balancer)[$"SOCKETCHAT_NODE{i + 1}"]);
            Assert.Equal($"{address}:{WebPort}", Environment(balancer)[$"SOCKETCHAT_WEB_NODE{i + 1}"]);
            Assert.Equal(WebPort.ToString(CultureInfo.InvariantCulture), environment["Chat__Web__Port"]);
            Assert.Equal(balancerAddress.ToString(), environment["Chat__TrustedProxies"]);
            Assert.Equal(Nodes[i], environment["Chat__NodeName"]);
            Assert.Equal("Redis", environment["Chat__Storage__Provider"]);
            Assert.Equal("redis:6379", environment["Chat__Storage__Redis"]);
            Assert.Equal([$"{8081 + i}:{ContainerPort}"], Strings(node["ports"]));
            Assert.Equal("../..", ((Dictionary<object, object>)node["build"])["context"]);
        }

        // The image listens where the balancer sends; Redis listens where the nodes look.
        Assert.Contains($"Chat__Port={ContainerPort}", File.ReadAllText(RepositoryRoot.File("Dockerfile")), StringComparison.Ordinal);
        Assert.Contains("\nport 6379\n", File.ReadAllText(RepositoryRoot.File("deploy", "redis", "redis.conf")), StringComparison.Ordinal);

        foreach (var name in compose.ServiceNames)
        {
            var service = compose.Service(name);
            foreach (var volume in service.TryGetValue("volumes", out var volumes) ? Strings(volumes) : [])
            {
                var source = volume.Split(':')[0];
                if (source.StartsWith('.'))
                {
                    Assert.True(File.Exists(Path.Combine(Compose.Directory, source)), $"{name} mounts {source}, which is not there");
                }
                else
                {
                    Assert.Contains(source, compose.Volumes);
                }
            }
        }

        Assert.True(File.Exists(Path.GetFullPath(Path.Combine(Compose.Directory, "../..", "Dockerfile"))));
    }

    [Fact]
    public async Task Compose_NodeEnvironment_StartsANodeOnRedis_LoggingItsName()
    {
        await using var redis = await RedisServer.StartAsync();
        var environment = Environment(Compose.Read().Service("node1"));

        // What the container would get, on this machine: the test's Redis in place of the service's, loopback, a free port.
        environment["Chat__Storage__Redis"] = redis.Configuration;
        environment["Chat__Host"] = "127.0.0.1";
        environment["Chat__Port"] = "0";
        environment["Chat__Web__Port"] = "0";
        environment["Chat__OperatorConsole"] = "Off";
        await using var server = ChildProcess.StartServer([], environment);
        server.StandardInput.Close();

        var listening = await server.ReadOutputLineAsync(line => line.Contains("Listening on", StringComparison.Ordinal));
        using var logged = JsonDocument.Parse(listening);
        Assert.Equal("node1", logged.RootElement.GetProperty("Node").GetString());
        var port = IPEndPoint.Parse(logged.RootElement.GetProperty("EndPoint").GetString()!).Port;

        await using var client = await TestClient.ConnectAsync(port);
        Assert.Equal("* welcome to SocketChat, guest1! You are in lobby. Type /help for commands.", await client.ReadLineAsync());

        await server.TerminateAsync();
        var (exitCode, _, error) = await server.WaitForExitAsync();
        Assert.Equal(0, exitCode);
        Assert.Empty(error);
    }

    private static Dictionary<string, string> Environment(Dictionary<object, object> service) =>
        ((Dictionary<object, object>)service["environment"]).ToDictionary(pair => (string)pair.Key, pair => (string)pair.Value);

    private static string[] Strings(object list) => ((List<object>)list).Cast<string>().ToArray();

    private sealed class Compose(Dictionary<object, object> document)
    {
        public static string Directory { get; } = RepositoryRoot.File("deploy", "cluster");

        public IEnumerable<string> ServiceNames => Services.Keys.Cast<string>();

        public IEnumerable<string> Volumes => ((Dictionary<object, object>)document["volumes"]).Keys.Cast<string>();

        public string Subnet
        {
            get
            {
                var chat = (Dictionary<object, object>)((Dictionary<object, object>)document["networks"])["chat"];
                var config = (List<object>)((Dictionary<object, object>)chat["ipam"])["config"];
                return (string)((Dictionary<object, object>)Assert.Single(config))["subnet"];
            }
        }

        private Dictionary<object, object> Services => (Dictionary<object, object>)document["services"];

        public static Compose Read()
        {
            using var reader = new StringReader(File.ReadAllText(Path.Combine(Directory, "compose.yml")));
            var deserializer = new DeserializerBuilder().Build();
            return new Compose(deserializer.Deserialize<Dictionary<object, object>>(new MergingParser(new Parser(reader))));
        }

        public Dictionary<object, object> Service(string name) => (Dictionary<object, object>)Services[name];

        public IPAddress Address(string name)
        {
            var networks = (Dictionary<object, object>)Service(name)["networks"];
            var chat = (Dictionary<object, object>)networks["chat"];
            return IPAddress.Parse((string)chat["ipv4_address"]);
        }
    }
}
