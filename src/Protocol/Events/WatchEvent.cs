namespace SocketChat.Protocol.Events;

/// <summary>
/// Nicknames a client watches (IRC <c>MONITOR</c>) that came online or went offline. Text:
/// <c>* online: alice, bob</c>; JSON <c>{"type":"watch","nicks":[…],"online":true}</c>; IRC 730 and 731.
/// </summary>
public sealed record WatchEvent(IReadOnlyList<string> Nicks, bool Online) : ServerEvent;
