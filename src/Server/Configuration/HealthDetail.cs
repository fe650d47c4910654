namespace SocketChat.Server.Configuration;

// Who is told why the server is unhealthy (the store's address, an exception's text) in /health and a pong; everyone
// else gets a one-line status.
internal enum HealthDetail
{
    // Connections from this machine (the probe, a local balancer's check, an operator's shell).
    Loopback,
    Anyone,
}
