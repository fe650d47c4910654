using System.Net.Security;
using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SocketChat.Server.Configuration;
using SocketChat.Server.Logging;

namespace SocketChat.Server.Tls;

// The certificate new TLS connections are offered. Replaced whole on reload; connections already up keep the one
// they started with. A reload that fails keeps the certificate in use.
internal sealed class CertificateStore(IOptions<ChatOptions> options, TimeProvider clock, ILogger<CertificateStore> logger)
{
    private static readonly TimeSpan ExpiryWarning = TimeSpan.FromDays(14);
    private volatile SslStreamCertificateContext? _current;

    public bool Enabled => options.Value.Tls.Enabled;

    public string CertificatePath => ServerPaths.Resolve(options.Value, options.Value.Tls.CertificatePath);

    public string? KeyPath => options.Value.Tls.KeyPath is { Length: > 0 } key ? ServerPaths.Resolve(options.Value, key) : null;

    public IReadOnlyList<string> Paths => KeyPath is { } key ? [CertificatePath, key] : [CertificatePath];

    public SslStreamCertificateContext Current => _current ?? throw new InvalidOperationException("The certificate is not loaded yet.");

    // Loads the certificate at start; the settings check has already loaded it once, so this does not fail for bad files.
    public void Load() => Use(LoadContext());

    public void Reload()
    {
        try
        {
            Use(LoadContext());
        }
        catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException)
        {
            ServerLog.CertificateReloadFailed(logger, CertificatePath, _current?.TargetCertificate.Thumbprint ?? "none", ex.Message);
        }
    }

    // Loads the certificate the settings name; throws when it cannot.
    public SslStreamCertificateContext LoadContext()
    {
        var (leaf, chain) = CertificateLoader.Load(options.Value.Tls, CertificatePath, KeyPath);
        return SslStreamCertificateContext.Create(leaf, chain, offline: true);
    }

    private void Use(SslStreamCertificateContext context)
    {
        _current = context;
        var certificate = context.TargetCertificate;
        ServerLog.CertificateLoaded(logger, certificate.Subject, certificate.Thumbprint, certificate.NotAfter.ToUniversalTime(), CertificatePath);
        if (certificate.NotAfter.ToUniversalTime() - clock.GetUtcNow().UtcDateTime < ExpiryWarning)
        {
            ServerLog.CertificateExpiring(logger, certificate.Subject, certificate.NotAfter.ToUniversalTime());
        }
    }
}
