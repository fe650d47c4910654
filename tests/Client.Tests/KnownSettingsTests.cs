using System.Reflection;
using Microsoft.Extensions.Configuration;
using SocketChat.Client.Configuration;
using SocketChat.Hosting.Logging;
using SocketChat.Hosting.Options;

namespace SocketChat.Client.Tests;

// The list of known settings is the union of what the two programs bind, no more and no less.
public sealed class KnownSettingsTests
{
    [Fact]
    public void Keys_AreExactlyWhatTheServerAndTheClientBind()
    {
        // The server's options are internal to its assembly; the tests load it anyway (TestSupport runs it).
        var server = Type.GetType("SocketChat.Server.Configuration.ChatOptions, SocketChat.Server", throwOnError: true)!;

        var bound = KeysOf(server, "Chat").Concat(KeysOf(typeof(ClientOptions), "Chat")).Concat(KeysOf(typeof(LogOptions), "Log"))
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .Order(StringComparer.OrdinalIgnoreCase);

        Assert.Equal(bound, KnownSettings.Keys.Order(StringComparer.OrdinalIgnoreCase));

        // A dictionary (Chat:Operators) is a section whose keys the operator names.
        Assert.Equal(NamedSectionsOf(server, "Chat"), KnownSettings.NamedSections);
    }

    private static IEnumerable<string> NamedSectionsOf(Type options, string prefix) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod?.IsPublic == true)
            .SelectMany(property => IsDictionary(property.PropertyType) ? [$"{prefix}:{property.Name}"]
                : property.PropertyType.IsClass && property.PropertyType != typeof(string) ? NamedSectionsOf(property.PropertyType, $"{prefix}:{property.Name}")
                : []);

    private static bool IsDictionary(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Dictionary<,>);

    [Fact]
    public void Unknown_NamesKeyValueAndClosest_KnownKeysAndSectionsPass()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Chat:Port"] = "1",
            ["Chat:Tls:CaPath"] = "x",
            ["chat:reconnect:attempts"] = "3",
            ["Chat:Limits:Brust"] = "9",
            ["Serilog:MinimumLevel:Default"] = "Debug",
        }).Build();

        Assert.Equal(["Chat:Limits:Brust=9 is not a setting; did you mean Chat:Limits:Burst?"], KnownSettings.Unknown(configuration));
    }

    // Every settable property, nested option classes by their path, as the configuration binder sees them.
    private static IEnumerable<string> KeysOf(Type options, string prefix) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => property.SetMethod?.IsPublic == true)
            .SelectMany(property => IsDictionary(property.PropertyType) ? []
                : property.PropertyType.IsClass && property.PropertyType != typeof(string)
                ? KeysOf(property.PropertyType, $"{prefix}:{property.Name}")
                : [$"{prefix}:{property.Name}"]);
}
