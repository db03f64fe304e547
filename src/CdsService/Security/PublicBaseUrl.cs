namespace Cds.Service.Security;

/// <summary>
/// The service's own base URL, for the JWT <c>aud</c> check and the cards' absolute links: <c>Cds:Security:PublicBaseUrl</c>,
/// never the request's Host header. Only in the Development environment without it (start-up says so) is the URL the
/// request was sent to used instead; outside Development the setting is required (<see cref="SecurityOptionsValidator"/>).
/// </summary>
internal static class PublicBaseUrl
{
    /// <summary>The base URL, ending in a slash.</summary>
    public static Uri For(HttpRequest request, SecurityOptions security)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(security);
        var text = security.PublicBaseUrl?.AbsoluteUri ?? $"{request.Scheme}://{request.Host}{request.PathBase}";
        return new Uri(text.EndsWith('/') ? text : text + "/");
    }
}
