using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using SocketChat.Server.Configuration;

namespace SocketChat.Server.Tls;

// Reads the server certificate, its private key and its chain from PEM files or a PFX.
internal static class CertificateLoader
{
    // Throws CryptographicException: The files are not a certificate with its private key.
    public static (X509Certificate2 Leaf, X509Certificate2Collection Chain) Load(TlsOptions tls, string certificatePath, string? keyPath)
    {
        return IsPem(certificatePath) ? LoadPem(tls, certificatePath, keyPath) : LoadPfx(tls, certificatePath);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPem(TlsOptions tls, string certificatePath, string? keyPath)
    {
        var leaf = tls.CertificatePassword.Length > 0
            ? X509Certificate2.CreateFromEncryptedPemFile(certificatePath, tls.CertificatePassword, keyPath)
            : X509Certificate2.CreateFromPemFile(certificatePath, keyPath);

        // A fullchain.pem (Let's Encrypt) carries the intermediates after the leaf; send them in the handshake.
        var all = new X509Certificate2Collection();
        all.ImportFromPemFile(certificatePath);
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all)
        {
            if (certificate.Thumbprint != leaf.Thumbprint)
            {
                chain.Add(certificate);
            }
        }

        return (leaf, chain);
    }

    private static (X509Certificate2, X509Certificate2Collection) LoadPfx(TlsOptions tls, string certificatePath)
    {
        var password = tls.CertificatePassword.Length > 0 ? tls.CertificatePassword : null;
        var all = X509CertificateLoader.LoadPkcs12CollectionFromFile(certificatePath, password, X509KeyStorageFlags.EphemeralKeySet);
        var leaf = all.FirstOrDefault(certificate => certificate.HasPrivateKey)
            ?? throw new CryptographicException("the file holds no certificate with a private key");
        var chain = new X509Certificate2Collection();
        foreach (var certificate in all.Where(certificate => !certificate.HasPrivateKey))
        {
            chain.Add(certificate);
        }

        return (leaf, chain);
    }

    private static bool IsPem(string path)
    {
        using var file = File.OpenRead(path);
        var start = new byte[64];
        var read = file.ReadAtLeast(start, start.Length, throwOnEndOfStream: false);
        return Encoding.ASCII.GetString(start, 0, read).Contains("-----BEGIN", StringComparison.Ordinal);
    }
}
