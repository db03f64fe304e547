using System.Text.Json;
using System.Text.RegularExpressions;
using Cds.FhirMapping.Fhir;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using FhirCoverage = Hl7.Fhir.Model.Coverage;

namespace Cds.FhirMapping.Coverages;

/// <summary>
/// The patient's Coverages as recorded (any status, any payer) with their payors resolved as far as the data at hand
/// allows: a contained Organization, or one anywhere in the prefetch and query results. References still open are
/// listed in <see cref="Unresolved"/> so the caller can read them from the FHIR server and add them.
/// </summary>
public sealed partial class CoverageRecord
{
    private readonly IReadOnlyList<FhirCoverage> _coverages;
    private readonly IReadOnlyDictionary<string, Organization> _organizations;
    private readonly string _patientId;

    private CoverageRecord(IReadOnlyList<FhirCoverage> coverages, IReadOnlyDictionary<string, Organization> organizations, string patientId)
    {
        _coverages = coverages;
        _organizations = organizations;
        _patientId = patientId;
        Coverages = [.. coverages.Where(c => !string.IsNullOrWhiteSpace(c.Id)).Select(Candidate)];
        Unresolved = [.. Coverages.SelectMany(c => c.Payors).Where(p => p.Unresolved && p.Reference is { } r && ReadableReference().IsMatch(r)).Select(p => p.Reference!).Distinct(StringComparer.Ordinal)];
    }

    public IReadOnlyList<CoverageCandidate> Coverages { get; }

    /// <summary>Relative <c>Organization/{id}</c> payor references not found in the data at hand.</summary>
    public IReadOnlyList<string> Unresolved { get; }

    /// <summary>
    /// Reads the patient's Coverages (those whose beneficiary is <paramref name="patientId"/>: patient binding) and the
    /// Organizations among resources and searchset Bundles.
    /// </summary>
    public static CoverageRecord Read(IEnumerable<JsonElement> resourcesOrBundles, string patientId)
    {
        var record = ClinicalRecord.Parse(resourcesOrBundles, patientId, static (type, _) => type is "Coverage" or "Organization");
        var coverages = record.Resources.OfType<FhirCoverage>().ToList();
        var organizations = new Dictionary<string, Organization>(StringComparer.Ordinal);
        foreach (var organization in record.Resources.OfType<Organization>().Where(o => !string.IsNullOrWhiteSpace(o.Id)))
        {
            organizations.TryAdd($"Organization/{organization.Id}", organization);
        }

        return new CoverageRecord(coverages, organizations, patientId);
    }

    /// <summary>The same record with more Organizations (read from the FHIR server) to resolve payors with.</summary>
    public CoverageRecord WithOrganizations(IEnumerable<JsonElement> organizations)
    {
        var all = new Dictionary<string, Organization>(_organizations, StringComparer.Ordinal);
        foreach (var organization in ClinicalRecord.Parse(organizations, _patientId, static (type, _) => type == "Organization").Resources.OfType<Organization>())
        {
            if (!string.IsNullOrWhiteSpace(organization.Id))
            {
                all.TryAdd($"Organization/{organization.Id}", organization);
            }
        }

        return new CoverageRecord(_coverages, all, _patientId);
    }

    private CoverageCandidate Candidate(FhirCoverage coverage) =>
        new(
            coverage.Id!,
            coverage.Status is { } status ? EnumUtility.GetLiteral(status) : null,
            DateRange.Parse(coverage.Period?.Start),
            DateRange.Parse(coverage.Period?.End),
            coverage.Order is { } order ? order : null,
            [.. coverage.Payor.Select(p => Party(coverage, p))]);

    private PayerParty Party(FhirCoverage coverage, ResourceReference payor)
    {
        var identifiers = new List<PayerIdentifier>();
        var names = new List<string>();
        Add(identifiers, payor.Identifier);
        if (!string.IsNullOrWhiteSpace(payor.Display))
        {
            names.Add(payor.Display);
        }

        var reference = payor.Reference;
        var unresolved = false;
        if (!string.IsNullOrWhiteSpace(reference))
        {
            if (Resolve(coverage, reference) is { } organization)
            {
                foreach (var identifier in organization.Identifier)
                {
                    Add(identifiers, identifier);
                }

                names.AddRange(new[] { organization.Name }.Concat(organization.Alias).Where(n => !string.IsNullOrWhiteSpace(n))!);
            }
            else
            {
                unresolved = reference.StartsWith("Organization/", StringComparison.Ordinal) || reference.StartsWith('#') || reference.Contains("/Organization/", StringComparison.Ordinal);
            }
        }

        return new PayerParty(reference, identifiers, names, unresolved);
    }

    private Organization? Resolve(FhirCoverage coverage, string reference)
    {
        if (reference.StartsWith('#'))
        {
            return coverage.Contained.OfType<Organization>().FirstOrDefault(o => o.Id == reference[1..]);
        }

        // An absolute reference is matched by its last two segments (Organization/{id}) against what the EHR sent.
        var segments = reference.TrimEnd('/').Split('/');
        var key = segments.Length >= 2 ? $"{segments[^2]}/{segments[^1]}" : reference;
        return _organizations.GetValueOrDefault(key);
    }

    private static void Add(List<PayerIdentifier> identifiers, Identifier? identifier)
    {
        if (identifier is { Value: { Length: > 0 } value })
        {
            identifiers.Add(new PayerIdentifier(identifier.System, value));
        }
    }

    [GeneratedRegex("^Organization/[A-Za-z0-9\\-\\.]{1,64}$", RegexOptions.CultureInvariant)]
    private static partial Regex ReadableReference();
}
