using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SocketChat.Client.Configuration;

namespace SocketChat.Client.Connection;

/// <summary>
/// The client's TLS: TLS 1.2 or 1.3, the server's certificate checked against the system's authorities or those
/// in <c>Chat:Tls:CaPath</c>, its name against <c>Chat:Tls:ServerName</c> (default <c>Chat:Host</c>).
/// </summary>
internal sealed class TlsConnector(ClientTlsOptions options, string host)
{
    private const string Remedy = "trust its authority with --Chat:Tls:CaPath=FILE, or for a development server --Chat:Tls:AllowUntrusted=true";
    private readonly X509Certificate2Collection? _trusted = LoadTrusted(options.CaPath);

    public string ServerName => options.ServerName is { Length: > 0 } name ? name : host;

    public async Task<SslStream> SecureAsync(Stream network, CancellationToken cancellationToken)
    {
        var rejected = SslPolicyErrors.None;
        var secured = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await secured.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = ServerName,
                    EnabledSslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                    CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    {
                        var accepted = Validate(certificate, chain, errors);
                        rejected = accepted ? SslPolicyErrors.None : errors;
                        return accepted;
                    },
                },
                cancellationToken);
            return secured;
        }
        catch (AuthenticationException ex)
        {
            await secured.DisposeAsync();
            throw rejected != SslPolicyErrors.None
                ? new ConnectFailure($"{Describe(rejected)}; {Remedy}", ex, fatal: true)
                : new ConnectFailure($"TLS handshake failed (does the server have TLS on?): {ex.Message}", ex, fatal: true);
        }
        catch
        {
            await secured.DisposeAsync();
            throw;
        }
    }

    private bool Validate(X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (options.AllowUntrusted || errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only the chain failed, and there are authorities of our own: build the chain again against them.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || _trusted is null || certificate is null)
        {
            return false;
        }

        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        custom.ChainPolicy.CustomTrustStore.AddRange(_trusted);
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return custom.Build(certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
    }

    private string Describe(SslPolicyErrors errors) =>
        errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable) ? "the server sent no certificate"
        : errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch) ? $"the server's certificate is not for {ServerName}"
        : "the server's certificate is not signed by an authority this client trusts";

    private static X509Certificate2Collection? LoadTrusted(string path)
    {
        if (path.Length == 0)
        {
            return null;
        }

        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(path);
        return trusted;
    }
}
