using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SocketChat.Server.Accounts;
using SocketChat.Server.Configuration;
using SocketChat.Server.Tls;

namespace SocketChat.Server;

// Checks at start that the files the settings name can be used: the certificate loads with its key, the accounts
// file parses. Worded like the other settings errors, never showing a password.
internal sealed class SecurityFilesValidator : IValidateOptions<ChatOptions>
{
    public ValidateOptionsResult Validate(string? name, ChatOptions options)
    {
        var failures = new List<string>();
        var tls = options.Tls;
        if (!tls.Enabled && tls.KeyPath.Length > 0)
        {
            failures.Add($"Chat:Tls:KeyPath={tls.KeyPath} is not allowed: set Chat:Tls:CertificatePath too");
        }

        if (!tls.Enabled && options.Irc.TlsPort is { } ircTlsPort)
        {
            failures.Add($"Chat:Irc:TlsPort={ircTlsPort} is not allowed: set Chat:Tls:CertificatePath too");
        }

        if (!tls.Enabled && options.Web.TlsPort is { } webTlsPort)
        {
            failures.Add($"Chat:Web:TlsPort={webTlsPort} is not allowed: set Chat:Tls:CertificatePath too");
        }

        if (tls.Enabled)
        {
            var path = ServerPaths.Resolve(options, tls.CertificatePath);
            try
            {
                var key = tls.KeyPath.Length > 0 ? ServerPaths.Resolve(options, tls.KeyPath) : null;
                using var leaf = CertificateLoader.Load(tls, path, key).Leaf;
            }
            catch (Exception ex) when (ex is CryptographicException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                failures.Add($"Chat:Tls:CertificatePath={tls.CertificatePath} is not allowed: cannot load {path} with its private key: {ex.Message}");
            }
        }

        if (options.Auth.Mode == AuthMode.Password)
        {
            var path = ServerPaths.UsersFile(options);
            try
            {
                UsersFile.Read(path);
            }
            catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
            {
                failures.Add($"Chat:Auth:UsersFile={options.Auth.UsersFile} is not allowed: cannot read {path}: {ex.Message}");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
