using System.Collections.Concurrent;
using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Clients;

namespace SocketChat.Server.Sessions;

// Every resumable identity, live or parked, by token. Parked ones expire after Chat:ResumeWindowSeconds.
internal sealed class ResumeRegistry(IOptions<ChatOptions> options, Storage.MessageLog log, TimeProvider clock)
{
    private readonly ConcurrentDictionary<string, ResumableIdentity> _identities = new(StringComparer.Ordinal);
    private int _createdSincePrune;

    // Ended here but perhaps not yet deleted from the store (the delete goes with the next batch): never restored.
    private readonly ConcurrentDictionary<string, DateTimeOffset> _ended = new(StringComparer.Ordinal);

    public bool Enabled => options.Value.ResumeWindowSeconds > 0;

    public ResumableIdentity Create(ChatSession owner, string? device = null)
    {
        if (Interlocked.Increment(ref _createdSincePrune) % 256 == 0)
        {
            PruneExpired();
        }

        // 128 random bits: a token cannot be guessed, so nobody can take over another client's identity.
        var identity = new ResumableIdentity(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_')) { Device = device };
        identity.Attach(owner);
        _identities[identity.Token] = identity;
        return identity;
    }

    // The identity for token, live or parked; null when unknown or expired.
    public async ValueTask<ResumableIdentity?> FindAsync(string token)
    {
        if (!_identities.TryGetValue(token, out var identity) && (identity = await RestoreAsync(token)) is null)
        {
            return null;
        }

        if (identity.Owner is null && identity.ExpiresAt <= clock.GetUtcNow())
        {
            _identities.TryRemove(token, out _);
            return null;
        }

        return identity;
    }

    // An identity from before a restart (graceful or not), or from another server of the cluster, if it was active
    // within the resume window: it resumes with its nickname and room.
    private async ValueTask<ResumableIdentity?> RestoreAsync(string token)
    {
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromSeconds(options.Value.ResumeWindowSeconds);
        if (_ended.ContainsKey(token) || await log.Store.FindIdentityAsync(token) is not { } record || record.Seen + window <= now)
        {
            return null;
        }

        var identity = new ResumableIdentity(token) { Restored = true };
        identity.Park(record.Nick, record.Room, now + window);
        return _identities.GetOrAdd(token, identity);
    }

    public void Park(ResumableIdentity identity, string nick, string room) =>
        identity.Park(nick, room, clock.GetUtcNow().AddSeconds(options.Value.ResumeWindowSeconds));

    public void Forget(ResumableIdentity identity)
    {
        _identities.TryRemove(identity.Token, out _);
        _ended[identity.Token] = clock.GetUtcNow();
        log.Save(new Storage.IdentityRecord(identity.Token, string.Empty, string.Empty, clock.GetUtcNow(), Ended: true));
    }

    private void PruneExpired()
    {
        var now = clock.GetUtcNow();
        foreach (var (token, endedAt) in _ended)
        {
            if (endedAt.AddSeconds(options.Value.ResumeWindowSeconds) <= now)
            {
                _ended.TryRemove(token, out _);
            }
        }

        foreach (var (token, identity) in _identities)
        {
            if (identity.Owner is null && identity.ExpiresAt <= now)
            {
                _identities.TryRemove(token, out _);
            }
        }
    }
}
