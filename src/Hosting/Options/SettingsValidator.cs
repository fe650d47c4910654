using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace SocketChat.Hosting.Options;

// Validates options with their DataAnnotations, like ValidateDataAnnotations(), but words each failure as one
// line naming the configuration key, the value and what is allowed: Chat:Port=70000 is not allowed: must be from 0 to 65535.
// Nested option objects are validated too, with their keys prefixed by the property name.
public sealed class SettingsValidator<TOptions>(string sectionName) : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        Collect(options, sectionName, failures);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Collect(object options, string prefix, List<string> failures)
    {
        var results = new List<ValidationResult>();
        Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true);
        foreach (var result in results)
        {
            var member = result.MemberNames.FirstOrDefault() ?? string.Empty;
            var value = options.GetType().GetProperty(member)?.GetValue(options);
            failures.Add(string.Create(CultureInfo.InvariantCulture, $"{prefix}:{member}={value} is not allowed: {result.ErrorMessage}"));
        }

        foreach (var property in options.GetType().GetProperties())
        {
            if (property.PropertyType.IsClass && property.PropertyType != typeof(string) && property.GetValue(options) is { } nested)
            {
                Collect(nested, $"{prefix}:{property.Name}", failures);
            }
        }
    }
}
