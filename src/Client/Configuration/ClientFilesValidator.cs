using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Options;

namespace SocketChat.Client.Configuration;

// Checks at start that the files the client's settings name can be read, worded like every settings error.
internal sealed class ClientFilesValidator : IValidateOptions<ClientOptions>
{
    public ValidateOptionsResult Validate(string? name, ClientOptions options)
    {
        var failures = new List<string>();
        if (options.Tls.CaPath.Length > 0)
        {
            try
            {
                var authorities = new X509Certificate2Collection();
                authorities.ImportFromPemFile(options.Tls.CaPath);
                if (authorities.Count == 0)
                {
                    failures.Add($"Chat:Tls:CaPath={options.Tls.CaPath} is not allowed: it holds no PEM certificate");
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or CryptographicException)
            {
                failures.Add($"Chat:Tls:CaPath={options.Tls.CaPath} is not allowed: cannot read it: {ex.Message}");
            }
        }

        if (options.PasswordFile.Length > 0 && !File.Exists(options.PasswordFile))
        {
            failures.Add($"Chat:PasswordFile={options.PasswordFile} is not allowed: no such file");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
