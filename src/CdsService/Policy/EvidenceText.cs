using System.Globalization;
using System.Runtime.CompilerServices;
using Cds.FhirMapping.Facts;

namespace Cds.Service.Policy;

/// <summary>
/// Evidence in words for a clinician: "Acute myeloblastic leukemia, in relapse (ICD-10-CM C92.02), recorded
/// 15 Sep 2026". No resource ids: references stay in the system action and the ledger. The one place that turns an
/// <see cref="Evidence"/> into card text (the evidence model grows fields; this class follows).
/// </summary>
internal sealed class EvidenceText
{
    private const int MaxDisplay = 60;

    /// <summary>Without the policy file's code systems: codes are shown without a system name.</summary>
    public static readonly EvidenceText Plain = new(new Dictionary<string, IReadOnlyList<string>>());

    private readonly Dictionary<string, string> _systemNames = new(StringComparer.Ordinal);

    /// <param name="systems">The policy file's <c>systems</c>: alias → URIs; the alias, upper-cased, names the system.</param>
    public EvidenceText(IReadOnlyDictionary<string, IReadOnlyList<string>> systems)
    {
        ArgumentNullException.ThrowIfNull(systems);
        foreach (var (alias, uris) in systems)
        {
            foreach (var uri in uris)
            {
                _systemNames.TryAdd(uri, alias.ToUpperInvariant());
            }
        }
    }

    public string Describe(Evidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var value = Value(evidence.Value);

        // Without a display, a matched phrase reads as what the record's text says: Procedure text "reduced-intensity".
        var what = Shorten(evidence.Display)
            ?? (value is { } v && v.StartsWith('"') ? $"{Noun(evidence.ResourceType)} text {Shorten(v)}" : Shorten(value))
            ?? Noun(evidence.ResourceType);

        // One string per description, written in place (the card text is built once per call for every evidence cited).
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        text.AppendLiteral(what);
        if (evidence.Code is { Length: > 0 } code)
        {
            text.AppendLiteral(" (");
            text.AppendLiteral(evidence.System is { } s && _systemNames.TryGetValue(s, out var name) ? name : "local code");
            text.AppendLiteral(" ");
            text.AppendLiteral(code);
            text.AppendLiteral(")");
        }

        // The value adds what the display does not say ("42 % donor"); not repeated when the display already says it
        // ("in relapse" in "…leukemia, in relapse"). A "(code)" note on how it was read is for the ledger, not the card.
        if (evidence.Display is not null && value is not null && !evidence.Display.Contains(value, StringComparison.OrdinalIgnoreCase))
        {
            text.AppendLiteral(": ");
            text.AppendLiteral(Shorten(value)!);
        }

        if (evidence.Date is { } date)
        {
            text.AppendLiteral(", ");
            text.AppendLiteral(Verb(evidence.ResourceType));
            text.AppendLiteral(" ");
            text.AppendFormatted(date, "d MMM yyyy");
        }

        return text.ToStringAndClear();
    }

    private static string? Value(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        var trimmed = value.Trim();
        var note = trimmed.LastIndexOf(" (", StringComparison.Ordinal);
        return note > 0 && trimmed.EndsWith(')') ? trimmed[..note] : trimmed;
    }

    private static string Verb(string resourceType) => resourceType switch
    {
        "Procedure" => "performed",
        "Observation" => "resulted",
        "ServiceRequest" => "on the order of",
        "DocumentReference" => "dated",
        _ => "recorded",
    };

    private static string Noun(string resourceType) => resourceType switch
    {
        "Condition" => "Diagnosis",
        "Observation" => "Result",
        "DocumentReference" => "Note",
        "ServiceRequest" => "Order",
        _ => resourceType,
    };

    private static string? Shorten(string? text) =>
        string.IsNullOrWhiteSpace(text) ? null
        : text.Length <= MaxDisplay ? text.Trim()
        : string.Concat(text.AsSpan(0, MaxDisplay - 1).TrimEnd(), "…");
}
