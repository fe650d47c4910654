using System.Reflection;
using SocketChat.Server;
using Xunit.Abstractions;

namespace SocketChat.Server.Tests.Core;

// The server's folders (one namespace each) depend on each other one way only: read from the compiled assembly
// (signatures and every method body's IL), so an edge added anywhere, even through one local variable, is seen.
public sealed class FolderGraphTests(ITestOutputHelper output)
{
    private const string Root = "SocketChat.Server";

    [Fact]
    public void ServerFolders_FormNoCycle()
    {
        var graph = FolderGraph();
        foreach (var (from, edges) in graph.OrderBy(entry => entry.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"{from} -> {string.Join(", ", edges.Keys.Order(StringComparer.Ordinal))}");
        }

        var cycles = StronglyConnected(graph).Where(component => component.Count > 1).ToList();

        Assert.True(cycles.Count == 0, string.Join(
            "\n",
            cycles.Select(cycle => string.Join(", ", cycle.SelectMany(from => graph[from]
                .Where(edge => cycle.Contains(edge.Key))
                .Select(edge => $"{from} -> {edge.Key} ({edge.Value})"))))));
    }

    [Fact]
    public void TheComposedLayers_PointDown_ListeningToTransportsToProtocolsToSessionsToRoomsToClientsToStorage()
    {
        var graph = FolderGraph();
        string[] layers = ["Listening", "Connections", "Transports", "Lines", "Irc", "Sessions", "Rooms", "Clients", "Storage"];

        var upward = from lower in layers.Select((folder, at) => (folder, at))
                     from higher in layers.Take(lower.at)
                     where graph.TryGetValue(lower.folder, out var edges) && edges.ContainsKey(higher)
                     select $"{lower.folder} -> {higher} ({graph[lower.folder][higher]})";

        Assert.Empty(upward);
        Assert.False(graph.GetValueOrDefault("Connections")?.ContainsKey("Irc") ?? false, "Connections names no protocol");
        Assert.False(graph.GetValueOrDefault("Sessions")?.ContainsKey("Irc") ?? false, "Sessions names no protocol");
        Assert.False(graph.GetValueOrDefault("Connections")?.ContainsKey("Lines") ?? false, "Connections names no protocol");
    }

    // Folder -> the folders it uses, each with one type that shows the edge.
    private static Dictionary<string, Dictionary<string, string>> FolderGraph()
    {
        var graph = new Dictionary<string, Dictionary<string, string>>();
        foreach (var type in typeof(ServerHost).Assembly.GetTypes())
        {
            if (FolderOf(type) is not { } from)
            {
                continue;
            }

            foreach (var used in Referenced(type))
            {
                if (FolderOf(used) is { } to && to != from && from != "(root)")
                {
                    var edges = graph.TryGetValue(from, out var found) ? found : graph[from] = [];
                    edges.TryAdd(to, $"{Outermost(type).Name} uses {Outermost(used).Name}");
                }
            }
        }

        return graph;
    }

    private static string? FolderOf(Type type)
    {
        var name = Outermost(type).Namespace;
        return name == Root ? "(root)" : name?.StartsWith(Root + ".", StringComparison.Ordinal) == true ? name[(Root.Length + 1)..].Split('.')[0] : null;
    }

    private static Type Outermost(Type type)
    {
        while (type.DeclaringType is { } outer)
        {
            type = outer;
        }

        return type;
    }

    private static HashSet<Type> Referenced(Type type)
    {
        const BindingFlags All = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var found = new HashSet<Type>();
        void Add(Type? used)
        {
            if (used is null || !found.Add(used))
            {
                return;
            }

            if (used.HasElementType)
            {
                Add(used.GetElementType());
            }

            if (used.IsGenericType)
            {
                foreach (var argument in used.GetGenericArguments())
                {
                    Add(argument);
                }
            }
        }

        Add(type.BaseType);
        foreach (var contract in type.GetInterfaces())
        {
            Add(contract);
        }

        foreach (var field in type.GetFields(All))
        {
            Add(field.FieldType);
        }

        foreach (var method in type.GetMethods(All).Cast<MethodBase>().Concat(type.GetConstructors(All)))
        {
            if (method is MethodInfo info)
            {
                Add(info.ReturnType);
            }

            foreach (var parameter in method.GetParameters())
            {
                Add(parameter.ParameterType);
            }

            foreach (var used in Il.TypesIn(method))
            {
                Add(used);
            }
        }

        return found;
    }

    private static List<List<string>> StronglyConnected(Dictionary<string, Dictionary<string, string>> graph)
    {
        var index = new Dictionary<string, int>();
        var low = new Dictionary<string, int>();
        var stack = new Stack<string>();
        var components = new List<List<string>>();
        void Visit(string node)
        {
            index[node] = low[node] = index.Count;
            stack.Push(node);
            foreach (var next in graph.GetValueOrDefault(node)?.Keys ?? Enumerable.Empty<string>())
            {
                if (!index.TryGetValue(next, out var seen))
                {
                    Visit(next);
                    low[node] = Math.Min(low[node], low[next]);
                }
                else if (stack.Contains(next))
                {
                    low[node] = Math.Min(low[node], seen);
                }
            }

            if (low[node] == index[node])
            {
                var component = new List<string>();
                string popped;
                do
                {
                    popped = stack.Pop();
                    component.Add(popped);
                }
                while (popped != node);
                components.Add(component);
            }
        }

        foreach (var node in graph.Keys.ToList())
        {
            if (!index.ContainsKey(node))
            {
                Visit(node);
            }
        }

        return components;
    }
}
