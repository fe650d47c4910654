namespace SocketChat.Protocol.Events;

/// <summary>
/// The server needs an account before anything else: sent instead of a welcome when <c>Chat:Auth:Mode</c> is
/// <c>password</c>. Text: <c>* this server needs an account: /login NAME PASSWORD</c>; JSON <c>{"type":"login_required"}</c>.
/// </summary>
public sealed record LoginRequiredEvent : ServerEvent;
