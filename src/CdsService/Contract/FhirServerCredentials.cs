namespace Cds.Service.Contract;

/// <summary>
/// A <c>fhirServer</c> is a FHIR base URL: the service appends resource paths to it, so a query or fragment on it is
/// never used, and user information or a key in it is a credential that would end up in the ledger and in logs. Such a
/// URL is refused (400); the refusal names the part, never its value.
/// </summary>
internal static class FhirServerCredentials
{
    /// <summary>The part of <paramref name="fhirServer"/> that must not be there, or null.</summary>
    public static string? Find(Uri fhirServer) =>
        fhirServer.UserInfo.Length > 0 ? "user information (user:password@)"
        : fhirServer.Query.Length > 0 ? "a query string (an API key or password would be kept with it)"
        : fhirServer.Fragment.Length > 0 ? "a fragment"
        : null;

    /// <summary>The URL as it may be kept or logged: scheme, host, port and path only.</summary>
    public static string Redacted(Uri fhirServer) =>
        fhirServer.GetComponents(UriComponents.SchemeAndServer | UriComponents.Path, UriFormat.UriEscaped);
}
