namespace SocketChat.Server.Storage;

// Chat:Storage:Provider=memory: nothing on disk; the newest Chat:HistoryPerRoom messages of each room,
// lost when the process ends. Ids start again at 1 on every start.
internal sealed class MemoryMessageStore(int perRoom) : IMessageStore
{
    // Not a room name: room names start with a letter.
    private const string AnnouncementsKey = "#announcements";

    // Taken alone, inside a store call.
    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedList<StoredMessage>> _rooms = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IdentityRecord> _identities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, AcceptedIds> _accepted = new(StringComparer.Ordinal);
    private readonly List<StoredMessage> _moderation = [];
    private readonly Restrictions _restrictions = new();
    private StoredMessage? _snapshot;

    // Private messages by each party's nickname, the newest Chat:HistoryPerRoom of each.
    private readonly Dictionary<string, LinkedList<StoredMessage>> _private = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Dictionary<string, string>> _accountState = new(StringComparer.OrdinalIgnoreCase);

    public long LastId { get; private set; }

    public string Kind => "memory";

    public string Location => "memory";

    public void Open()
    {
    }

    public ValueTask<IReadOnlyList<Appended>> AppendAsync(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities) =>
        ValueTask.FromResult<IReadOnlyList<Appended>>(Append(drafts, timestamp, identities));

    private List<Appended> Append(IReadOnlyList<Draft> drafts, DateTimeOffset timestamp, IReadOnlyList<IdentityRecord> identities)
    {
        var results = new List<Appended>(drafts.Count);
        lock (_gate)
        {
            _restrictions.BeginBatch();
            foreach (var draft in drafts)
            {
                if (draft.Kind == MessageKind.Presence)
                {
                    results.Add(new Appended(StoredMessage.Of(draft, 0, timestamp), Duplicate: false));
                    continue;
                }

                if (draft is { SenderToken: { } token, Cid: { } cid } && _accepted.TryGetValue(token, out var accepted) && accepted.TryGetValue(cid, out var first))
                {
                    results.Add(new Appended(first, Duplicate: true));
                    continue;
                }

                if (_restrictions.StaleAfter(draft) is var after and > 0)
                {
                    results.Add(Appended.Stale(draft, after));
                    continue;
                }

                var message = StoredMessage.Of(draft, ++LastId, timestamp);
                _restrictions.Stored(draft, message.Id);
                results.Add(new Appended(message, Duplicate: false));
                Accept(message);
                if (message.Kind == MessageKind.Moderation)
                {
                    _moderation.Add(message);
                }

                if (message.Kind is MessageKind.Private or MessageKind.PrivateNotice && perRoom > 0)
                {
                    Keep(_private, message.From, message);
                    if (!string.Equals(message.From, message.To, StringComparison.OrdinalIgnoreCase))
                    {
                        Keep(_private, message.To!, message);
                    }

                    continue;
                }

                if (message.Kind is MessageKind.Private or MessageKind.PrivateNotice || perRoom == 0 || (message.Kind == MessageKind.Moderation && message.Room is null))
                {
                    continue;
                }

                // Operator lines were said to every room: they are kept once, beside the rooms, and shown in each.
                var key = message.Kind == MessageKind.Announcement ? AnnouncementsKey : message.Room!;
                if (!_rooms.TryGetValue(key, out var room))
                {
                    _rooms[key] = room = new LinkedList<StoredMessage>();
                }

                room.AddLast(message);
                if (room.Count > perRoom)
                {
                    room.RemoveFirst();
                }
            }

            foreach (var identity in identities)
            {
                if (identity.Ended)
                {
                    _identities.Remove(identity.Token);
                    _accepted.Remove(identity.Token);
                }
                else
                {
                    _identities[identity.Token] = identity;
                }
            }

            _restrictions.Commit();
        }

        return results;
    }

    // The client ids each identity's last lines were stored under, as many as a client may resend.
    private void Accept(StoredMessage message)
    {
        if (message is not { SenderToken: { } token, Cid: { } cid })
        {
            return;
        }

        if (!_accepted.TryGetValue(token, out var accepted))
        {
            _accepted[token] = accepted = new AcceptedIds();
        }

        accepted.Add(cid, message);
    }

    private void Keep(Dictionary<string, LinkedList<StoredMessage>> lists, string key, StoredMessage message)
    {
        if (!lists.TryGetValue(key, out var list))
        {
            lists[key] = list = new LinkedList<StoredMessage>();
        }

        list.AddLast(message);
        if (list.Count > perRoom)
        {
            list.RemoveFirst();
        }
    }

    public ValueTask<IReadOnlyList<StoredMessage>> PrivateAsync(string nick, string? peer, long afterId, long beforeId, int limit, bool forward = false)
    {
        lock (_gate)
        {
            var found = (_private.GetValueOrDefault(nick) ?? [])
                .Where(message => message.Id > afterId && message.Id < beforeId && (peer is null || message.IsBetween(nick, peer)))
                .ToList();
            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>(forward ? found.Take(limit).ToList() : found.Count > limit ? found[^limit..] : found);
        }
    }

    public ValueTask<IReadOnlyDictionary<string, string>> AccountStateAsync(string account)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyDictionary<string, string>>(new Dictionary<string, string>(_accountState.GetValueOrDefault(account) ?? [], StringComparer.Ordinal));
        }
    }

    public ValueTask SaveAccountStateAsync(string account, string key, string value)
    {
        lock (_gate)
        {
            if (!_accountState.TryGetValue(account, out var state))
            {
                _accountState[account] = state = new Dictionary<string, string>(StringComparer.Ordinal);
            }

            state[key] = value;
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<StoredMessage>> RoomAsync(string room, long afterId, long beforeId, int limit) =>
        ValueTask.FromResult<IReadOnlyList<StoredMessage>>(Room(room, afterId, beforeId, limit));

    private List<StoredMessage> Room(string room, long afterId, long beforeId, int limit)
    {
        lock (_gate)
        {
            var messages = (_rooms.GetValueOrDefault(room) ?? []).Concat(_rooms.GetValueOrDefault(AnnouncementsKey) ?? []);
            var found = messages.Where(message => message.Id > afterId && message.Id < beforeId).OrderBy(message => message.Id).ToList();
            return found.Count > limit ? found[^limit..] : found;
        }
    }

    public ValueTask<IReadOnlyList<StoredMessage>> RoomForwardAsync(string room, long afterId, long beforeId, int limit)
    {
        lock (_gate)
        {
            var messages = (_rooms.GetValueOrDefault(room) ?? []).Concat(_rooms.GetValueOrDefault(AnnouncementsKey) ?? []);
            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>(
                messages.Where(message => message.Id > afterId && message.Id < beforeId).OrderBy(message => message.Id).Take(limit).ToList());
        }
    }

    // Memory keeps the newest Chat:HistoryPerRoom of each room and of each nickname's private lines.
    public ValueTask<IReadOnlyList<StoredMessage>> SearchAsync(IReadOnlyCollection<string> rooms, string nick, IReadOnlyList<string> words, long beforeId, int limit)
    {
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<StoredMessage>>(rooms.SelectMany(room => _rooms.GetValueOrDefault(room) ?? [])
                .Where(message => message.Kind is MessageKind.Room or MessageKind.Notice)
                .Concat(_private.GetValueOrDefault(nick) ?? [])
                .Where(message => message.Id < beforeId)
                .OrderByDescending(message => message.Id)
                .Take(SearchWords.Scan)
                .Where(message => SearchWords.Matches(message.Text, words))
                .Take(limit)
                .ToList());
        }
    }

    public ValueTask<long> IdAtAsync(DateTimeOffset time)
    {
        lock (_gate)
        {
            var first = _rooms.Values.SelectMany(messages => messages).Concat(_moderation).Where(message => message.Timestamp >= time).Select(message => message.Id).DefaultIfEmpty(LastId + 1).Min();
            return ValueTask.FromResult(first);
        }
    }

    public ValueTask<IdentityRecord?> FindIdentityAsync(string token) => ValueTask.FromResult(FindIdentity(token));

    private IdentityRecord? FindIdentity(string token)
    {
        lock (_gate)
        {
            return _identities.GetValueOrDefault(token);
        }
    }

    public int Prune(DateTimeOffset? before, int? maxPerRoom)
    {
        var removed = 0;
        lock (_gate)
        {
            foreach (var messages in _rooms.Values.Concat(_private.Values))
            {
                while (messages.First is { } oldest && ((before is { } cutoff && oldest.Value.Timestamp < cutoff) || (maxPerRoom is { } keep && messages.Count > keep)))
                {
                    messages.RemoveFirst();
                    removed++;
                }
            }
        }

        return removed;
    }

    public IEnumerable<StoredMessage> Export(string room, DateTimeOffset since) =>
        Room(room, 0, long.MaxValue, int.MaxValue).Where(message => message.Kind is MessageKind.Room or MessageKind.Notice or MessageKind.Moderation && message.Timestamp >= since);

    public IReadOnlyList<StoredMessage> Moderation()
    {
        lock (_gate)
        {
            return _snapshot is { } snapshot ? [snapshot, .. _moderation] : [.. _moderation];
        }
    }

    // The entries the snapshot holds are let go at once: memory keeps no audit trail beyond its history.
    public ValueTask SaveModerationSnapshotAsync(long upTo, string rules)
    {
        lock (_gate)
        {
            if (_snapshot is null || upTo > _snapshot.Id)
            {
                _snapshot = ModerationRecord.SnapshotEntry(upTo, DateTimeOffset.UtcNow, rules);
                _moderation.RemoveAll(entry => entry.Id <= upTo);
            }
        }

        return ValueTask.CompletedTask;
    }

    public void Dispose()
    {
    }

    // One identity's newest client ids and what they were stored as; memory keeps no more than a client resends.
    private sealed class AcceptedIds
    {
        private const int Window = 1024;
        private readonly Dictionary<string, StoredMessage> _byCid = new(StringComparer.Ordinal);
        private readonly Queue<string> _order = new();

        public bool TryGetValue(string cid, out StoredMessage message) => _byCid.TryGetValue(cid, out message!);

        public void Add(string cid, StoredMessage message)
        {
            _byCid[cid] = message;
            _order.Enqueue(cid);
            if (_order.Count > Window)
            {
                _byCid.Remove(_order.Dequeue());
            }
        }
    }
}
