namespace SocketChat.Server.Irc;

// The capabilities' names on the wire.
internal static class IrcCapabilityNames
{
    private static readonly (string Name, IrcCapabilities Flag)[] All =
    [
        ("account-notify", IrcCapabilities.AccountNotify),
        ("account-tag", IrcCapabilities.AccountTag),
        ("away-notify", IrcCapabilities.AwayNotify),
        ("batch", IrcCapabilities.Batch),
        ("cap-notify", IrcCapabilities.CapNotify),
        ("chghost", IrcCapabilities.ChgHost),
        ("draft/chathistory", IrcCapabilities.ChatHistory),
        ("draft/read-marker", IrcCapabilities.ReadMarker),
        ("echo-message", IrcCapabilities.EchoMessage),
        ("extended-join", IrcCapabilities.ExtendedJoin),
        ("invite-notify", IrcCapabilities.InviteNotify),
        ("labeled-response", IrcCapabilities.LabeledResponse),
        ("message-tags", IrcCapabilities.MessageTags),
        ("multi-prefix", IrcCapabilities.MultiPrefix),
        ("sasl", IrcCapabilities.Sasl),
        ("server-time", IrcCapabilities.ServerTime),
        ("setname", IrcCapabilities.SetName),
        ("soju.im/search", IrcCapabilities.Search),
        ("userhost-in-names", IrcCapabilities.UserhostInNames),
    ];

    // Only where there are accounts: logging in to one, and its read markers.
    private const IrcCapabilities AccountsOnly = IrcCapabilities.Sasl | IrcCapabilities.ReadMarker;

    // What CAP LS lists: sasl (with its mechanism for 302 clients) and read markers only where there are accounts.
    public static string Offered(bool accounts, bool version302) => string.Join(' ', All
        .Where(cap => accounts || (cap.Flag & AccountsOnly) == 0)
        .Select(cap => cap.Flag == IrcCapabilities.Sasl && version302 ? "sasl=PLAIN" : cap.Name));

    // The names of enabled.
    public static string Names(IrcCapabilities enabled) => string.Join(' ', All.Where(cap => enabled.HasFlag(cap.Flag)).Select(cap => cap.Name));

    // The flag named name among those offered, or null.
    public static IrcCapabilities? Find(string name, bool accounts) =>
        All.FirstOrDefault(cap => cap.Name == name && (accounts || (cap.Flag & AccountsOnly) == 0)) is { Name: not null } found ? found.Flag : null;
}
