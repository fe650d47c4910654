namespace SocketChat.Server.Irc;

/// <summary>The capabilities' names on the wire.</summary>
internal static class IrcCapabilityNames
{
    private static readonly (string Name, IrcCapabilities Flag)[] All =
    [
        ("batch", IrcCapabilities.Batch),
        ("cap-notify", IrcCapabilities.CapNotify),
        ("echo-message", IrcCapabilities.EchoMessage),
        ("message-tags", IrcCapabilities.MessageTags),
        ("multi-prefix", IrcCapabilities.MultiPrefix),
        ("sasl", IrcCapabilities.Sasl),
        ("server-time", IrcCapabilities.ServerTime),
        ("userhost-in-names", IrcCapabilities.UserhostInNames),
    ];

    /// <summary>What <c>CAP LS</c> lists: <c>sasl</c> only where there are accounts, with its mechanism for 302 clients.</summary>
    public static string Offered(bool accounts, bool version302) => string.Join(' ', All
        .Where(cap => accounts || cap.Flag != IrcCapabilities.Sasl)
        .Select(cap => cap.Flag == IrcCapabilities.Sasl && version302 ? "sasl=PLAIN" : cap.Name));

    /// <summary>The names of <paramref name="enabled"/>.</summary>
    public static string Names(IrcCapabilities enabled) => string.Join(' ', All.Where(cap => enabled.HasFlag(cap.Flag)).Select(cap => cap.Name));

    /// <summary>The flag named <paramref name="name"/> among those offered, or null.</summary>
    public static IrcCapabilities? Find(string name, bool accounts) =>
        All.FirstOrDefault(cap => cap.Name == name && (accounts || cap.Flag != IrcCapabilities.Sasl)) is { Name: not null } found ? found.Flag : null;
}
