namespace SocketChat.Client.Configuration;

/// <summary><c>Chat:Tls</c> for the client: whether to speak TLS and which certificates to trust.</summary>
internal sealed class ClientTlsOptions
{
    public bool Enabled { get; set; }

    /// <summary>A PEM file of the authorities to trust instead of the system's (a private CA, a self-signed server certificate).</summary>
    public string CaPath { get; set => field = value ?? string.Empty; } = string.Empty;

    /// <summary>Accept any certificate: for development servers only; the client warns every time.</summary>
    public bool AllowUntrusted { get; set; }

    /// <summary>The name the certificate must carry; empty means <c>Chat:Host</c>.</summary>
    public string ServerName { get; set => field = value ?? string.Empty; } = string.Empty;
}
