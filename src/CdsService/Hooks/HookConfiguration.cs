using System.Text.Json;
using Cds.Service.Discovery;

namespace Cds.Service.Hooks;

/// <summary>
/// The CRD <c>davinci-crd.configuration</c> options this service declares, with the discovery defaults. Unknown
/// options and values of the wrong type are ignored (CRD: never required, unsupported options ignored).
/// </summary>
/// <param name="CoverageInfo"><c>coverage-info</c>: the coverage-information system actions and the status and missing-data cards.</param>
/// <param name="MaxCards"><c>max-cards</c>: the most cards returned.</param>
/// <param name="Guideline"><c>guideline</c>: the External Reference card with the policy link.</param>
/// <param name="ClinicalReminder"><c>clinical-reminder</c>: the card suggesting orders (chimerism testing) for an unknown criterion.</param>
internal sealed record HookConfiguration(bool CoverageInfo, int MaxCards, bool Guideline = false, bool ClinicalReminder = false)
{
    public static HookConfiguration Read(ServiceDefinition service, JsonElement? configuration)
    {
        var coverageInfo = Boolean(service, configuration, "coverage-info") ?? true;
        var maxCards = Integer(service, configuration, "max-cards") ?? 10;

        // A card type the service does not declare for this hook is never returned.
        var guideline = Boolean(service, configuration, "guideline") ?? false;
        var clinicalReminder = Boolean(service, configuration, "clinical-reminder") ?? false;
        return new HookConfiguration(coverageInfo, Math.Max(0, maxCards), guideline, clinicalReminder);
    }

    private static bool? Boolean(ServiceDefinition service, JsonElement? configuration, string code)
    {
        if (!service.Options.TryGetValue(code, out var option))
        {
            return null;
        }

        if (configuration is { } config && config.TryGetProperty(code, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        return option.Default.ValueKind is JsonValueKind.True or JsonValueKind.False ? option.Default.GetBoolean() : null;
    }

    private static int? Integer(ServiceDefinition service, JsonElement? configuration, string code)
    {
        if (!service.Options.TryGetValue(code, out var option))
        {
            return null;
        }

        if (configuration is { } config && config.TryGetProperty(code, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        return option.Default.ValueKind == JsonValueKind.Number && option.Default.TryGetInt32(out var fallback) ? fallback : null;
    }
}
