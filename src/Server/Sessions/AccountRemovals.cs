using Microsoft.Extensions.Hosting;
using SocketChat.Server.Accounts;

namespace SocketChat.Server.Sessions;

// An account removed from the accounts file (a reload) loses its connections and parked identities: subscribed
// while the server runs, where the composition root shows it, and let go when it stops.
internal sealed class AccountRemovals(AccountStore accounts, SessionLifecycle lifecycle) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        accounts.Removed += Evict;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        accounts.Removed -= Evict;
        return Task.CompletedTask;
    }

    private void Evict(IReadOnlyCollection<string> removed) => lifecycle.Evict(removed);
}
