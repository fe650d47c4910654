using System.Runtime.InteropServices;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SocketChat.Server.Accounts;
using SocketChat.Server.Logging;
using SocketChat.Server.Tls;

namespace SocketChat.Server.Reloading;

// Loads the accounts and the TLS certificate before the server listens, and loads them again when their files
// change or the process gets SIGHUP (systemctl reload), so renewals and users add need no restart.
internal sealed class ReloadService(AccountStore accounts, CertificateStore certificates, ILogger<ReloadService> logger) : IHostedService, IDisposable
{
    private readonly List<IDisposable> _watches = [];

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (accounts.Required)
        {
            accounts.Load();
            _watches.Add(new FileWatch([accounts.Path], () => Reload("accounts file changed", certificate: false)));
        }

        if (certificates.Enabled)
        {
            certificates.Load();
            _watches.Add(new FileWatch(certificates.Paths, () => Reload("certificate file changed", certificate: true)));
        }

        if (!OperatingSystem.IsWindows())
        {
            // Without a handler SIGHUP would end the process; with one, it means "read your files again". Ignored
            // (nohup), the handler would never run: taken back first, and said.
            if (HangupSignal.TakeBack())
            {
                ServerLog.HangupTakenBack(logger);
            }

            _watches.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, context =>
            {
                context.Cancel = true;
                Reload("SIGHUP", certificate: true);
                Reload("SIGHUP", certificate: false);
                if (!certificates.Enabled && !accounts.Required)
                {
                    ServerLog.NothingToReload(logger);
                }
            }));
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose()
    {
        foreach (var watch in _watches)
        {
            watch.Dispose();
        }
    }

    private void Reload(string trigger, bool certificate)
    {
        if (certificate && certificates.Enabled)
        {
            ServerLog.Reloading(logger, trigger);
            certificates.Reload();
        }
        else if (!certificate && accounts.Required)
        {
            ServerLog.Reloading(logger, trigger);
            accounts.Reload();
        }
    }
}
