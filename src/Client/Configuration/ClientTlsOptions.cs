namespace SocketChat.Client.Configuration;

// Chat:Tls for the client: whether to speak TLS and which certificates to trust.
internal sealed class ClientTlsOptions
{
    public bool Enabled { get; set; }

    // A PEM file of the authorities to trust instead of the system's (a private CA, a self-signed server certificate).
    public string CaPath { get; set => field = value ?? string.Empty; } = string.Empty;

    // Accept any certificate: for development servers only; the client warns every time.
    public bool AllowUntrusted { get; set; }

    // The name the certificate must carry; empty means Chat:Host.
    public string ServerName { get; set => field = value ?? string.Empty; } = string.Empty;
}
