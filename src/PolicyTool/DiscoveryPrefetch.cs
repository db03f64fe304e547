using System.Text.Json;

namespace Cds.PolicyTool;

/// <summary>
/// The prefetch templates of the service's discovery document (<c>cds-services.json</c>, embedded): the keys whose
/// prefetch the service reads, in its order (keys a request carries beyond them are ignored by the service, so by the
/// tool too), and the searches that answer them from a patient Bundle.
/// </summary>
internal static class DiscoveryPrefetch
{
    private static readonly Lazy<List<(string Id, string Hook, IReadOnlyList<KeyValuePair<string, string>> Templates)>> Services = new(Load);

    /// <summary>The prefetch templates by key of the service for <paramref name="hook"/> (or of <paramref name="serviceId"/>), in the document's order.</summary>
    public static (string ServiceId, IReadOnlyList<KeyValuePair<string, string>> Templates) For(string hook, string? serviceId)
    {
        var candidates = Services.Value.Where(s => serviceId is null ? s.Hook == hook : s.Id == serviceId).ToList();
        if (candidates.Count == 0)
        {
            throw new ToolInputException(serviceId is null
                ? $"no service in cds-services.json answers the '{hook}' hook (services: {string.Join(", ", Services.Value.Select(s => $"{s.Id} ({s.Hook})"))})"
                : $"no service '{serviceId}' in cds-services.json (services: {string.Join(", ", Services.Value.Select(s => s.Id))})");
        }

        if (candidates.Count > 1)
        {
            throw new ToolInputException($"several services answer the '{hook}' hook ({string.Join(", ", candidates.Select(c => c.Id))}): name one with --service");
        }

        if (candidates[0].Hook != hook)
        {
            throw new ToolInputException($"service '{candidates[0].Id}' answers the '{candidates[0].Hook}' hook, not '{hook}'");
        }

        return (candidates[0].Id, candidates[0].Templates);
    }

    private static List<(string Id, string Hook, IReadOnlyList<KeyValuePair<string, string>> Templates)> Load()
    {
        using var stream = typeof(DiscoveryPrefetch).Assembly.GetManifestResourceStream("cds-services.json")
            ?? throw new InvalidOperationException("The embedded cds-services.json is missing.");
        using var document = JsonDocument.Parse(stream);
        var services = new List<(string, string, IReadOnlyList<KeyValuePair<string, string>>)>();
        foreach (var service in document.RootElement.GetProperty("services").EnumerateArray())
        {
            var templates = service.TryGetProperty("prefetch", out var prefetch) && prefetch.ValueKind == JsonValueKind.Object
                ? prefetch.EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)).ToList()
                : [];
            services.Add((service.GetProperty("id").GetString()!, service.GetProperty("hook").GetString()!, templates));
        }

        return services;
    }
}
