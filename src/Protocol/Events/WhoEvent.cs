namespace SocketChat.Protocol.Events;

/// <summary>
/// The members of a room, sorted, one page at a time. Text: <c>* ROOM (N): a, b, c</c>; when the room has more
/// members than one page, <c>* ROOM (N, page P of Q): …</c>.
/// </summary>
/// <param name="Room">The room.</param>
/// <param name="Nicks">This page's members.</param>
/// <param name="Cid">The request's client id.</param>
/// <param name="Total">How many members the room has; 0 means <paramref name="Nicks"/> is all of them.</param>
/// <param name="Page">Which page this is, from 1.</param>
public sealed record WhoEvent(string Room, IReadOnlyList<string> Nicks, string? Cid = null, int Total = 0, int Page = 1) : ServerEvent
{
    /// <summary>This page's members with a role in the room: nickname to <c>owner</c>, <c>op</c> or <c>voice</c>.</summary>
    public IReadOnlyDictionary<string, string>? Roles { get; init; }

    /// <summary>The room's topic, if it has one.</summary>
    public string? Topic { get; init; }

    /// <summary>A nickname as text mode lists it: its role's sign first (~ owner, @ op, + voice).</summary>
    public string Shown(string nick) => Roles?.GetValueOrDefault(nick) switch
    {
        "owner" => "~" + nick,
        "op" => "@" + nick,
        "voice" => "+" + nick,
        _ => nick,
    };

    /// <summary>The most members one page lists.</summary>
    public const int PageSize = 100;

    /// <summary>The number of pages; 1 for a room that fits on one.</summary>
    public int Pages => Total <= PageSize ? 1 : (Total + PageSize - 1) / PageSize;

    /// <summary>The room's member count.</summary>
    public int Count => Total == 0 ? Nicks.Count : Total;

    /// <summary>The text mode's heading: <c>ROOM (N)</c>, with the page when there are several.</summary>
    public string Heading => Pages == 1 ? $"{Room} ({Count})" : $"{Room} ({Count}, page {Page} of {Pages})";
}
