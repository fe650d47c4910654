using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SocketChat.TestSupport;

// Certificates made in the test: a self-signed server certificate, or a test authority and one it signed.
public static class TestCertificates
{
    // Writes NAME.pem (certificate) and NAME.key (private key) for localhost, 127.0.0.1 and ::1 (or localhost alone).
    public static (string CertificatePath, string KeyPath, X509Certificate2 Certificate) CreateServer(
        string directory, string name = "server", X509Certificate2? issuer = null, bool withAddresses = true)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        if (withAddresses)
        {
            names.AddIpAddress(IPAddress.Loopback);
            names.AddIpAddress(IPAddress.IPv6Loopback);
        }

        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var notBefore = DateTimeOffset.UtcNow.AddMinutes(-5);
        var notAfter = DateTimeOffset.UtcNow.AddDays(30);
        using var created = issuer is null
            ? request.CreateSelfSigned(notBefore, notAfter)
            : request.Create(issuer, notBefore, notAfter, RandomNumberGenerator.GetBytes(8));
        var certificate = X509CertificateLoader.LoadCertificate(created.Export(X509ContentType.Cert));
        var certificatePath = Path.Combine(directory, name + ".pem");
        var keyPath = Path.Combine(directory, name + ".key");
        File.WriteAllText(certificatePath, certificate.ExportCertificatePem() + "\n" + (issuer?.ExportCertificatePem() ?? string.Empty));
        File.WriteAllText(keyPath, key.ExportPkcs8PrivateKeyPem());
        return (certificatePath, keyPath, certificate);
    }

    // A certificate authority for the test, written to NAME.pem; its private key stays in memory.
    public static (string Path, X509Certificate2 Authority) CreateAuthority(string directory, string name = "ca")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=SocketChat Test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        // Outlives any certificate it signs (those get 30 days from a later "now").
        var authority = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-10), DateTimeOffset.UtcNow.AddDays(60));
        var path = Path.Combine(directory, name + ".pem");
        File.WriteAllText(path, authority.ExportCertificatePem());
        return (path, authority);
    }
}
