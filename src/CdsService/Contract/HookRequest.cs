using System.Text.Json;

namespace Cds.Service.Contract;

/// <summary>A CDS Hooks 2.0 request for order-sign or order-select, checked field by field.</summary>
internal sealed record HookRequest
{
    public required string Hook { get; init; }

    public required string HookInstance { get; init; }

    public Uri? FhirServer { get; init; }

    /// <summary>The bearer token for <see cref="FhirServer"/>. Transient: never logged or stored.</summary>
    public string? AccessToken { get; init; }

    public required string PatientId { get; init; }

    public string? UserId { get; init; }

    public string? EncounterId { get; init; }

    public required JsonElement DraftOrders { get; init; }

    public IReadOnlyList<string> Selections { get; init; } = [];

    /// <summary>Prefetch as sent: a key may map to a resource, a Bundle, an OperationOutcome or JSON null.</summary>
    public IReadOnlyDictionary<string, JsonElement> Prefetch { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The CRD <c>davinci-crd.configuration</c> object, if sent.</summary>
    public JsonElement? Configuration { get; init; }

    public string? RequestedVersion { get; init; }

    /// <summary>Reads and checks the request body. On failure returns null and a message naming the field.</summary>
    public static HookRequest? Parse(JsonElement root, out string? error)
    {
        error = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            error = "The request body must be a JSON object.";
            return null;
        }

        if (!RequiredString(root, "hook", out var hook, ref error) || !RequiredString(root, "hookInstance", out var hookInstance, ref error))
        {
            return null;
        }

        // CDS Hooks 2.0: "A universally unique identifier (UUID) for this particular hook call" (which also bounds it).
        if (hookInstance!.Length != 36 || !Guid.TryParseExact(hookInstance, "D", out _))
        {
            error = "'hookInstance' must be a UUID, e.g. \"d1577c69-dfbe-44ad-ba6d-3e05e953b2ea\".";
            return null;
        }

        if (!root.TryGetProperty("context", out var context) || context.ValueKind != JsonValueKind.Object)
        {
            error = "'context' is required and must be an object.";
            return null;
        }

        if (!RequiredString(context, "patientId", out var patientId, ref error, "context."))
        {
            return null;
        }

        if (!context.TryGetProperty("draftOrders", out var draftOrders) || draftOrders.ValueKind != JsonValueKind.Object)
        {
            error = "'context.draftOrders' is required and must be a FHIR Bundle.";
            return null;
        }

        var selections = new List<string>();
        if (context.TryGetProperty("selections", out var selectionsElement))
        {
            if (selectionsElement.ValueKind != JsonValueKind.Array || selectionsElement.EnumerateArray().Any(s => s.ValueKind != JsonValueKind.String))
            {
                error = "'context.selections' must be an array of references such as \"ServiceRequest/123\".";
                return null;
            }

            selections.AddRange(selectionsElement.EnumerateArray().Select(s => s.GetString()!));
        }

        if (!OptionalString(context, "userId", out var userId, ref error, "context.")
            || !OptionalString(context, "encounterId", out var encounterId, ref error, "context."))
        {
            return null;
        }

        Uri? fhirServer = null;
        if (!OptionalString(root, "fhirServer", out var fhirServerText, ref error))
        {
            return null;
        }

        if (fhirServerText is not null
            && (!Uri.TryCreate(fhirServerText, UriKind.Absolute, out fhirServer) || fhirServer.Scheme is not ("http" or "https")))
        {
            error = "'fhirServer' must be an absolute http(s) URL.";
            return null;
        }

        if (fhirServer is not null && FhirServerCredentials.Find(fhirServer) is { } part)
        {
            // Never echoed: the value may be a password or an API key.
            error = $"'fhirServer' must not carry {part}; it is a FHIR base URL, and credentials belong in 'fhirAuthorization'.";
            return null;
        }

        string? accessToken = null;
        if (root.TryGetProperty("fhirAuthorization", out var authorization) && authorization.ValueKind != JsonValueKind.Null)
        {
            if (authorization.ValueKind != JsonValueKind.Object
                || !authorization.TryGetProperty("access_token", out var token)
                || token.ValueKind != JsonValueKind.String
                || string.IsNullOrWhiteSpace(token.GetString()))
            {
                error = "'fhirAuthorization' must be an object with a non-empty 'access_token'.";
                return null;
            }

            if (fhirServer is null)
            {
                error = "'fhirServer' is required when 'fhirAuthorization' is provided.";
                return null;
            }

            accessToken = token.GetString();
        }

        var prefetch = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (root.TryGetProperty("prefetch", out var prefetchElement) && prefetchElement.ValueKind != JsonValueKind.Null)
        {
            if (prefetchElement.ValueKind != JsonValueKind.Object)
            {
                error = "'prefetch' must be an object.";
                return null;
            }

            foreach (var item in prefetchElement.EnumerateObject())
            {
                if (item.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null)
                    || (item.Value.ValueKind == JsonValueKind.Object
                        && (!item.Value.TryGetProperty("resourceType", out var resourceType) || resourceType.ValueKind != JsonValueKind.String)))
                {
                    error = $"'prefetch.{item.Name}' must be a FHIR resource, a Bundle or null.";
                    return null;
                }

                prefetch[item.Name] = item.Value;
            }
        }

        JsonElement? configuration = null;
        string? requestedVersion = null;
        if (root.TryGetProperty("extension", out var extension) && extension.ValueKind == JsonValueKind.Object)
        {
            if (extension.TryGetProperty("davinci-crd.configuration", out var config) && config.ValueKind == JsonValueKind.Object)
            {
                configuration = config;
            }

            if (extension.TryGetProperty("davinci-crd.requestedVersion", out var version) && version.ValueKind == JsonValueKind.String)
            {
                requestedVersion = version.GetString();
            }
        }

        return new HookRequest
        {
            Hook = hook!,
            HookInstance = hookInstance!,
            FhirServer = fhirServer,
            AccessToken = accessToken,
            PatientId = patientId!,
            UserId = userId,
            EncounterId = encounterId,
            DraftOrders = draftOrders,
            Selections = selections,
            Prefetch = prefetch,
            Configuration = configuration,
            RequestedVersion = requestedVersion,
        };
    }

    private static bool RequiredString(JsonElement parent, string name, out string? value, ref string? error, string path = "")
    {
        value = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
        {
            error = $"'{path}{name}' is required and must be a non-empty string.";
            return false;
        }

        value = element.GetString();
        return true;
    }

    private static bool OptionalString(JsonElement parent, string name, out string? value, ref string? error, string path = "")
    {
        value = null;
        if (!parent.TryGetProperty(name, out var element) || element.ValueKind == JsonValueKind.Null)
        {
            return true;
        }

        if (element.ValueKind != JsonValueKind.String)
        {
            error = $"'{path}{name}' must be a string.";
            return false;
        }

        value = element.GetString();
        return true;
    }
}
