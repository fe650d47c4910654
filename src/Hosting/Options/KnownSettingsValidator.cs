using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace SocketChat.Hosting.Options;

// Fails the options check at start when the configuration holds a key no program reads (KnownSettings).
public sealed class KnownSettingsValidator<TOptions>(IConfiguration configuration) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options) =>
        KnownSettings.Unknown(configuration) is { Count: > 0 } lines ? ValidateOptionsResult.Fail(lines) : ValidateOptionsResult.Success;
}
