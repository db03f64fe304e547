using System.ComponentModel.DataAnnotations;

namespace Cds.Service.Security;

/// <summary>Who may call the service, and what the service may call on their behalf (section <c>Cds:Security</c>).</summary>
internal sealed class SecurityOptions
{
    public const string SectionName = "Cds:Security";

    /// <summary>
    /// Accept calls without a valid JWT and let fhirServer be any http(s) URL, loopback included. For local sandboxes
    /// only; logged as a warning at start-up. Off by default.
    /// </summary>
    public bool DevelopmentMode { get; set; }

    /// <summary>
    /// The URL the EHR calls (e.g. https://cds.payer.example/): a JWT's <c>aud</c> is checked against it and the cards'
    /// policy link is built from it, never from the Host header. Required outside the Development environment.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    /// <summary>Tolerance for <c>exp</c>, <c>nbf</c> and <c>iat</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest accepted JWT lifetime (<c>exp</c> − <c>iat</c>); CDS Hooks best practice is at most an hour.</summary>
    [Range(typeof(TimeSpan), "00:00:10", "01:00:00")]
    public TimeSpan MaxTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>What the JWT replay (<c>jti</c>) check does while the shared store cannot be reached: refuse (503, the default) or use a local cache.</summary>
    public ReplayFallback ReplayCheckWhenStoreDown { get; set; } = ReplayFallback.Refuse;

    /// <summary>The longest the replay check waits for the store before it counts as down.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan ReplayCheckTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The <c>Retry-After</c> of a 503 answered while the replay store is down.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan StoreDownRetryAfter { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Browser origins allowed by CORS (e.g. https://sandbox.cds-hooks.org).</summary>
    public List<string> AllowedOrigins { get; set; } = [];

    /// <summary>The trusted CDS clients (EHRs), one per issuer.</summary>
    public List<TrustedClient> Clients { get; set; } = [];

    /// <summary>Rules for the fhirServer URLs the service will call.</summary>
    public FhirServerRules FhirServers { get; set; } = new();

    /// <summary>Largest request body accepted.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Most draft orders in one hook call.</summary>
    [Range(1, 10_000)]
    public int MaxDraftOrders { get; set; } = 100;

    /// <summary>Most FHIR resources (prefetch and queried) read for one hook call.</summary>
    [Range(1, 1_000_000)]
    public int MaxResources { get; set; } = 50_000;
}

/// <summary>One trusted CDS client: its issuer, its keys, and the FHIR servers it may send.</summary>
internal sealed class TrustedClient
{
    /// <summary>The JWT <c>iss</c> of the client.</summary>
    public string Issuer { get; set; } = string.Empty;

    /// <summary>Where its JWK Set is published; fetched from this URL only, never from a token's <c>jku</c>.</summary>
    public Uri? JwksUrl { get; set; }

    /// <summary>Public keys given inline instead of (or as well as) a JWK Set URL.</summary>
    public List<JwkOptions> Keys { get; set; } = [];

    /// <summary>Accepted <c>tenant</c> claims; empty accepts any (or none).</summary>
    public List<string> Tenants { get; set; } = [];

    /// <summary>Base URLs of the FHIR servers this client may name in <c>fhirServer</c>.</summary>
    public List<Uri> FhirServers { get; set; } = [];
}

/// <summary>A public JSON Web Key (EC or RSA) as configuration.</summary>
internal sealed class JwkOptions
{
    public string Kty { get; set; } = string.Empty;

    public string Kid { get; set; } = string.Empty;

    public string? Alg { get; set; }

    public string? Use { get; set; }

    public string? Crv { get; set; }

    public string? X { get; set; }

    public string? Y { get; set; }

    public string? N { get; set; }

    public string? E { get; set; }
}

internal sealed class FhirServerRules
{
    /// <summary>Allow http:// FHIR servers (https is required otherwise).</summary>
    public bool AllowHttp { get; set; }

    /// <summary>Allow loopback, link-local and private addresses (never allowed otherwise).</summary>
    public bool AllowPrivateNetworks { get; set; }
}
