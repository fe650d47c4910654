using System.Globalization;
using System.Net;

namespace SocketChat.Bench;

// The switches every mode reads: --host, --port and the workload's numbers.
internal sealed class BenchOptions(string[] args)
{
    public IPEndPoint Server => new(IPAddress.Parse(Text("--host", "127.0.0.1")), Number("--port", 8080));

    public string Label => Text("--label", "server");

    // --transport tcp|tls|ws: how the clients connect (tls on the same port; ws at /ws on the port given).
    public BenchTransport Transport => Enum.Parse<BenchTransport>(Text("--transport", "tcp"), ignoreCase: true);

    // Servers on the same host at the ports a switch lists (--receiver-ports 8082,8083); else Server.
    public IReadOnlyList<IPEndPoint> Servers(string name) =>
        Text(name, string.Empty) is { Length: > 0 } ports
            ? [.. ports.Split(',').Select(port => new IPEndPoint(Server.Address, int.Parse(port, CultureInfo.InvariantCulture)))]
            : [Server];

    public int Number(string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? int.Parse(args[index + 1], CultureInfo.InvariantCulture) : fallback;
    }

    // A switch with no value (--no-index).
    public bool Flag(string name) => Array.IndexOf(args, name) >= 0;

    public string Text(string name, string fallback)
    {
        var index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : fallback;
    }
}
