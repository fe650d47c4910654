using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using SocketChat.Client.Configuration;

namespace SocketChat.Client.Connection;

// The client's TLS: TLS 1.2 or 1.3, the server's certificate checked against the system's authorities or those
// in Chat:Tls:CaPath, its name against Chat:Tls:ServerName (default Chat:Host).
internal sealed class TlsConnector(ClientTlsOptions options, string host)
{
    private const string Remedy = "trust its authority with --Chat:Tls:CaPath=FILE, or for a development server --Chat:Tls:AllowUntrusted=true";
    private readonly X509Certificate2Collection? _trusted = LoadTrusted(options.CaPath);

    public string ServerName => options.ServerName is { Length: > 0 } name ? name : host;

    public async Task<SslStream> SecureAsync(Stream network, CancellationToken cancellationToken)
    {
        string? refusal = null;
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
                        refusal = Refusal(certificate, chain, errors);
                        return refusal is null;
                    },
                },
                cancellationToken);
            return secured;
        }
        catch (AuthenticationException ex)
        {
            await secured.DisposeAsync();
            throw refusal is not null
                ? new ConnectFailure(refusal, ex, fatal: true)
                : new ConnectFailure($"TLS handshake failed (does the server have TLS on?): {ex.Message}", ex, fatal: true);
        }
        catch
        {
            await secured.DisposeAsync();
            throw;
        }
    }

    // Why the certificate is refused, with the setting that would fix it; null when it is accepted. The name and the
    // authority are checked apart, so the user is told what is actually wrong: a certificate for localhost reached as
    // 127.0.0.1 needs a name, not another authority.
    private string? Refusal(X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (options.AllowUntrusted || errors == SslPolicyErrors.None)
        {
            return null;
        }

        if (presented is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        var certificate = presented as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        var trusted = !errors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors) || TrustedByOurAuthorities(certificate, chain);
        var untrusted = _trusted is null
            ? $"the server's certificate is not signed by an authority this client trusts; {Remedy}"
            : $"the server's certificate is not signed by an authority in Chat:Tls:CaPath ({options.CaPath}) or the system's";
        if (!errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return trusted ? null : untrusted;
        }

        var names = NamesOf(certificate);
        var named = names.Count == 0
            ? $"the server's certificate names no host, so it cannot be for {ServerName}"
            : $"the server's certificate is for {string.Join(", ", names)}, not {ServerName}; connect with --Chat:Host={names[0]}, or expect that name with --Chat:Tls:ServerName={names[0]}";
        return trusted ? named : $"{named}; and {untrusted}";
    }

    // Only the chain failed, and there are authorities of our own: build the chain again against them.
    private bool TrustedByOurAuthorities(X509Certificate2 certificate, X509Chain? chain)
    {
        if (_trusted is null)
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

        return custom.Build(certificate);
    }

    // The host names and addresses the certificate is for: its subject alternative names, else its common name.
    private static List<string> NamesOf(X509Certificate2 certificate)
    {
        var names = new List<string>();
        foreach (var extension in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            names.AddRange(extension.EnumerateDnsNames());
            names.AddRange(extension.EnumerateIPAddresses().Select(address => address.ToString()));
        }

        if (names.Count == 0 && certificate.GetNameInfo(X509NameType.DnsName, forIssuer: false) is { Length: > 0 } common)
        {
            names.Add(common);
        }

        return names;
    }

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
