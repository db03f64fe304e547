using Microsoft.Extensions.Options;

namespace Cds.Service.Security;

/// <summary>
/// Start-up checks of <see cref="SecurityOptions"/> beyond its ranges: outside the Development environment
/// <c>Cds:Security:PublicBaseUrl</c> is required (else <c>aud</c> and the cards' links would follow the Host header
/// a caller sends), and it must be an absolute http(s) URL without query, fragment or credentials.
/// </summary>
internal sealed class SecurityOptionsValidator(IHostEnvironment environment) : IValidateOptions<SecurityOptions>
{
    public ValidateOptionsResult Validate(string? name, SecurityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.PublicBaseUrl is not { } url)
        {
            return environment.IsDevelopment()
                ? ValidateOptionsResult.Success
                : ValidateOptionsResult.Fail(
                    $"Cds:Security:PublicBaseUrl (Cds__Security__PublicBaseUrl) is required outside the Development environment (this is '{environment.EnvironmentName}'): "
                    + "the JWT 'aud' and the cards' policy link are checked against and built from it, never from the request's Host header. "
                    + "Set it to the URL the EHR calls, e.g. https://cds.payer.example/.");
        }

        if (!url.IsAbsoluteUri || url.Scheme is not ("https" or "http") || !string.IsNullOrEmpty(url.Query) || !string.IsNullOrEmpty(url.Fragment) || !string.IsNullOrEmpty(url.UserInfo))
        {
            return ValidateOptionsResult.Fail($"Cds:Security:PublicBaseUrl must be an absolute http(s) URL without query, fragment or credentials (e.g. https://cds.payer.example/); it is '{url.OriginalString}'.");
        }

        return ValidateOptionsResult.Success;
    }
}
