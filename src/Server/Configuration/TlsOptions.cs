using System.ComponentModel.DataAnnotations;

namespace SocketChat.Server.Configuration;

// Chat:Tls: the server's certificate. TLS is on when CertificatePath is set.
internal sealed class TlsOptions
{
    // A PEM certificate (its chain may follow it in the file) or a PFX/PKCS#12 file.
    public string CertificatePath { get; set => field = value ?? string.Empty; } = string.Empty;

    // The PEM private key; empty when the certificate file holds the key too (or is a PFX).
    public string KeyPath { get; set => field = value ?? string.Empty; } = string.Empty;

    // The PFX password, or the password of an encrypted PEM key.
    public string CertificatePassword { get; set => field = value ?? string.Empty; } = string.Empty;

    // Refuse plaintext connections; true by default once a certificate is set. When false, plaintext is accepted from loopback only.
    public bool? Required { get; set; }

    // A connection that has not finished the TLS handshake this long after connecting is closed.
    [Range(1, 300, ErrorMessage = "must be from {1} to {2} seconds")]
    public int HandshakeTimeoutSeconds { get; set; } = 10;

    public bool Enabled => CertificatePath.Length > 0;

    public bool PlaintextRefused => Enabled && (Required ?? true);
}
