using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging;
using SocketChat.Protocol;
using SocketChat.Protocol.Commands;
using SocketChat.Protocol.Encoders;
using SocketChat.Protocol.Events;
using SocketChat.Server.Clients;
using SocketChat.Server.Logging;
using SocketChat.Server.Rooms;
using SocketChat.Server.Storage;

namespace SocketChat.Server.Sessions;

// What is kept of an account beside its messages (IMessageStore.AccountStateAsync): where each of its devices got to
// (the last message written to it), so a device that comes back is shown what it missed since, and where the account
// stopped reading each room (read markers), moved by any device, never back, and told to all of them. A store that
// cannot answer costs a device its place (it is shown the room's newest lines instead), never its login.
internal sealed class AccountPlaces(MessageLog log, Users users, ILogger<AccountPlaces> logger)
{
    private const string DeviceKey = "device:";
    private const string ReadKey = "read:";

    // Each account's read markers known here, by account and room: the newest wins (markers only move forward).
    private readonly ConcurrentDictionary<(string Account, string Room), ReadMarker> _markers = new(MarkerKeys.Instance);

    // A device logging in: where it got to (null: a new device, or unknown), and its account's read markers known here.
    public async Task<long?> LogInAsync(string account, string? device)
    {
        IReadOnlyDictionary<string, string> state;
        try
        {
            state = await log.Store.AccountStateAsync(account);
        }
        catch (StoreUnavailableException ex)
        {
            ServerLog.AccountStateUnavailable(logger, account, ex.Message);
            return null;
        }

        foreach (var (key, value) in state)
        {
            if (key.StartsWith(ReadKey, StringComparison.Ordinal) && ReadMarker.TryParse(value, out var marker))
            {
                Advance(account, key[ReadKey.Length..], marker);
            }
        }

        return device is not null && state.TryGetValue(DeviceKey + device, out var kept) && long.TryParse(kept, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? id
            : null;
    }

    // A device leaving: its place is kept (the last message written to it).
    public async Task LeftAsync(ChatSession session)
    {
        if (session is not { Account: { } account, Device: { } device } || session.LastShownId == 0)
        {
            return;
        }

        try
        {
            await log.SaveStateAsync(account, DeviceKey + device, session.LastShownId.ToString(CultureInfo.InvariantCulture));
            ServerLog.DevicePlaceKept(logger, device, account, session.LastShownId);
        }
        catch (StoreUnavailableException ex)
        {
            ServerLog.AccountStateUnavailable(logger, account, ex.Message);
        }
        catch (OperationCanceledException)
        {
            // The server stopped first.
        }
    }

    public ReadMarker? MarkerOf(string account, string room) => _markers.TryGetValue((account, room), out var marker) ? marker : null;

    // Tells session where its account stopped reading room, if it marked anything there; asked (cid not null), it
    // is told even that nothing is (id 0).
    public void TellMarker(ChatSession session, string room, string? cid = null)
    {
        if (session.Account is not { } account)
        {
            return;
        }

        if (MarkerOf(account, room) is { } marker)
        {
            session.Send(new ReadEvent(room, marker.Id, marker.Timestamp, cid));
        }
        else if (cid is not null)
        {
            session.Send(new ReadEvent(room, 0, DateTimeOffset.UnixEpoch, cid));
        }
    }

    // Answers /read and JSON read: moves the account's marker in a room to a message of it (its newest when none is
    // named), or says where it is.
    public async Task ReadAsync(ChatSession session, ReadCommand request)
    {
        var room = request.Room ?? session.Room;
        var refusal = session.Account is null ? new InvalidCommand(ErrorCodes.BadArguments, "read markers are kept for accounts; this connection has none", request.Cid)
            : room.Length == 0 ? new InvalidCommand(ErrorCodes.NotInRoom, "you are in no room: /read #ROOM names one", request.Cid)
            : !session.IsIn(room) ? new InvalidCommand(ErrorCodes.NotInRoom, $"you are not in {room}", request.Cid)
            : null;
        if (refusal is not null)
        {
            session.Send(new ErrorEvent(refusal.Code, refusal.Message, refusal.Cid));
            return;
        }

        if (request.Ask)
        {
            TellMarker(session, room, request.Cid ?? string.Empty);
            return;
        }

        IReadOnlyList<StoredMessage> found;
        try
        {
            found = request.Id is { } id
                ? await log.Store.RoomForwardAsync(room, id - 1, id + 1, 1)
                : await log.Store.RoomAsync(room, 0, long.MaxValue, 1);
        }
        catch (StoreUnavailableException)
        {
            session.Send(new ErrorEvent(ErrorCodes.Unavailable, "the store cannot be read right now; try again", request.Cid));
            return;
        }

        if (found is not [var message])
        {
            session.Send(new ErrorEvent(ErrorCodes.BadArguments, request.Id is { } missing ? $"no message {missing} in {room}" : $"nothing was said in {room} yet", request.Cid));
            return;
        }

        await MarkAsync(session, room, new ReadMarker(message.Id, message.Timestamp), request.Cid);
    }

    // Moves the account's marker in room to marker unless it is past it already, keeps it, and tells each of the
    // account's devices here where it now is (the one that moved it with cid).
    public async Task MarkAsync(ChatSession session, string room, ReadMarker marker, string? cid = null)
    {
        var account = session.Account!;
        var now = Advance(account, room, marker);
        if (now == marker)
        {
            // Kept as it is known once written: another device may have moved it further meanwhile.
            var kept = default(ReadMarker);
            while (MarkerOf(account, room) is { } known && known != kept)
            {
                kept = known;
                try
                {
                    await log.SaveStateAsync(account, ReadKey + room.ToLowerInvariant(), kept.ToString());
                }
                catch (StoreUnavailableException ex)
                {
                    ServerLog.AccountStateUnavailable(logger, account, ex.Message);
                    break;
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        foreach (var device in users.SessionsOf(account))
        {
            var told = MarkerOf(account, room) ?? now;
            device.Send(new ReadEvent(room, told.Id, told.Timestamp, ReferenceEquals(device, session) ? cid : null));
        }
    }

    // The marker in room for account: marker, unless the one known is further; returns the one now known.
    private ReadMarker Advance(string account, string room, ReadMarker marker) =>
        _markers.AddOrUpdate((account, room), marker, (_, known) => known.Id >= marker.Id ? known : marker);

    // Keys compare without regard to case, as names do.
    private sealed class MarkerKeys : IEqualityComparer<(string Account, string Room)>
    {
        public static readonly MarkerKeys Instance = new();

        public bool Equals((string Account, string Room) x, (string Account, string Room) y) =>
            string.Equals(x.Account, y.Account, StringComparison.OrdinalIgnoreCase) && string.Equals(x.Room, y.Room, StringComparison.OrdinalIgnoreCase);

        public int GetHashCode((string Account, string Room) key) =>
            HashCode.Combine(StringComparer.OrdinalIgnoreCase.GetHashCode(key.Account), StringComparer.OrdinalIgnoreCase.GetHashCode(key.Room));
    }
}

// Read up to message Id, said at Timestamp. Kept as "ID TIMESTAMP".
internal readonly record struct ReadMarker(long Id, DateTimeOffset Timestamp)
{
    public override string ToString() => $"{Id.ToString(CultureInfo.InvariantCulture)} {EventWriter.FormatTimestamp(Timestamp)}";

    public static bool TryParse(string text, out ReadMarker marker)
    {
        marker = default;
        var parts = text.Split(' ');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || !DateTimeOffset.TryParse(parts[1], CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
        {
            return false;
        }

        marker = new ReadMarker(id, at);
        return true;
    }
}
