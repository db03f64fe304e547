using System.Text.Json;

namespace Cds.Service.Discovery;

/// <summary>One service of <c>cds-services.json</c>.</summary>
internal sealed record ServiceDefinition(
    string Id,
    string Hook,
    IReadOnlyList<KeyValuePair<string, string>> Prefetch,
    IReadOnlyDictionary<string, ConfigurationOption> Options);

/// <summary>A CRD <c>davinci-crd.configuration-options</c> entry.</summary>
internal sealed record ConfigurationOption(string Code, string Type, JsonElement Default);

/// <summary>
/// <c>cds-services.json</c>, the single source of truth for discovery: served byte for byte on
/// <c>GET /cds-services</c>, and read here for the prefetch templates and configuration options.
/// </summary>
internal sealed class DiscoveryDocument
{
    private readonly Dictionary<string, ServiceDefinition> _services;

    private DiscoveryDocument(byte[] json, Dictionary<string, ServiceDefinition> services)
    {
        Json = json;
        _services = services;
    }

    public byte[] Json { get; }

    public IReadOnlyCollection<ServiceDefinition> Services => _services.Values;

    public ServiceDefinition? Find(string id) => _services.GetValueOrDefault(id);

    public static DiscoveryDocument Load(string path)
    {
        var json = File.ReadAllBytes(path);
        using var document = JsonDocument.Parse(json);
        var services = new Dictionary<string, ServiceDefinition>(StringComparer.Ordinal);
        foreach (var service in document.RootElement.GetProperty("services").EnumerateArray())
        {
            var id = service.GetProperty("id").GetString()!;
            var prefetch = service.TryGetProperty("prefetch", out var p)
                ? p.EnumerateObject().Select(k => new KeyValuePair<string, string>(k.Name, k.Value.GetString()!)).ToList()
                : [];
            var options = new Dictionary<string, ConfigurationOption>(StringComparer.Ordinal);
            if (service.TryGetProperty("extension", out var extension)
                && extension.TryGetProperty("davinci-crd.configuration-options", out var list))
            {
                foreach (var option in list.EnumerateArray())
                {
                    var code = option.GetProperty("code").GetString()!;
                    options[code] = new ConfigurationOption(code, option.GetProperty("type").GetString()!, option.GetProperty("default").Clone());
                }
            }

            services.Add(id, new ServiceDefinition(id, service.GetProperty("hook").GetString()!, prefetch, options));
        }

        return new DiscoveryDocument(json, services);
    }
}
