using System.Text.RegularExpressions;
using Cds.Service.Contract;

namespace Cds.Service.Prefetch;

/// <summary>Renders a CDS Hooks 2.0 prefetch template with the hook's context tokens.</summary>
internal static partial class PrefetchTemplate
{
    /// <summary>The relative FHIR query, or null when a token has no value in this hook call.</summary>
    public static string? Render(string template, HookRequest request)
    {
        var unresolved = false;
        var rendered = Token().Replace(template, match =>
        {
            var value = match.Groups[1].Value switch
            {
                "context.patientId" => request.PatientId,
                "context.encounterId" => request.EncounterId,
                "context.userId" => request.UserId,
                _ => null,
            };
            unresolved |= value is null;
            return Uri.EscapeDataString(value ?? string.Empty);
        });
        return unresolved ? null : rendered;
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z.]+)\s*\}\}")]
    private static partial Regex Token();
}
