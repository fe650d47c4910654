namespace SocketChat.Server.Irc;

// The IRCv3 capabilities this server offers; a connection enables some with CAP REQ.
[Flags]
internal enum IrcCapabilities
{
    None = 0,
    ServerTime = 1,
    MessageTags = 2,
    EchoMessage = 4,
    Batch = 8,
    MultiPrefix = 16,
    Sasl = 32,
    CapNotify = 64,
    UserhostInNames = 128,
    InviteNotify = 256,
    ChatHistory = 512,
    Search = 1024,
    AwayNotify = 2048,
    SetName = 4096,
    ChgHost = 8192,
    AccountNotify = 16384,
    ExtendedJoin = 32768,
    AccountTag = 65536,
    ReadMarker = 131072,
    LabeledResponse = 262144,
}
