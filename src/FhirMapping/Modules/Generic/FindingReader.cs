using System.Text.Json;
using Cds.FhirMapping.Evaluation.Generic;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
using Hl7.Fhir.Model;
using Hl7.Fhir.Utility;
using ValueSet = Cds.FhirMapping.Policy.ValueSet;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Modules.Generic;

/// <summary>
/// The generic reader of a policy's generic leaves: a Condition, Procedure or Observation whose code is in a leaf's value
/// set, with its certainty from its status fields and its time; an Observation with its quantity. It reads only what the
/// leaves name, so a policy without generic leaves reads nothing here.
/// </summary>
internal sealed class FindingReader
{
    private readonly IReadOnlyList<(string Criterion, string ResourceType, ValueSet ValueSet)> _leaves;

    public FindingReader(PolicyDefinition policy)
    {
        _leaves = [.. policy.Document.Decision.Tree
            .Where(n => n.Evaluator is GenericEvaluators.CodedRecord or GenericEvaluators.ObservationValue)
            .Select(n => (n.Id, GenericEvaluators.ResourceOf(n), policy.ValueSet(n.ValueSet!)))];
        ResourceTypes = [.. _leaves.Select(l => l.ResourceType).Distinct(StringComparer.Ordinal)];
    }

    /// <summary>The resource types the generic leaves read.</summary>
    public IReadOnlyList<string> ResourceTypes { get; }

    /// <summary>The same test <see cref="Read"/> applies to the resource's code, on its JSON.</summary>
    public bool IsRelevant(string resourceType, JsonElement json)
    {
        if (!ResourceTypes.Contains(resourceType, StringComparer.Ordinal) || !json.TryGetProperty("code", out var code)
            || code.ValueKind != JsonValueKind.Object || !code.TryGetProperty("coding", out var codings) || codings.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var coding in codings.EnumerateArray())
        {
            if (coding.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var system = coding.TryGetProperty("system", out var s) && s.ValueKind == JsonValueKind.String ? s.GetString() : null;
            var value = coding.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
            if (_leaves.Any(l => l.ResourceType == resourceType && l.ValueSet.Contains(system, value)))
            {
                return true;
            }
        }

        return false;
    }

    public void Read(Resource resource, List<Finding> findings)
    {
        var read = resource switch
        {
            Condition condition => Of(condition),
            Procedure procedure => Of(procedure),
            Observation observation => Of(observation),
            _ => null,
        };
        if (read is not { } r)
        {
            return;
        }

        foreach (var leaf in _leaves.Where(l => l.ResourceType == resource.TypeName))
        {
            if (Codings(r.Code).FirstOrDefault(c => leaf.ValueSet.Contains(c.System, c.Code)) is { } coding)
            {
                var evidence = Cite(resource, coding, r.When, r.Value, r.Quantity is null ? SourceKind.Code : SourceKind.StructuredValue, r.Certainty);
                findings.Add(new Finding(leaf.Criterion, evidence, r.Quantity?.Value, r.Quantity is null ? null : r.Quantity.Code ?? r.Quantity.Unit, r.Quantity?.Comparator is not null));
            }
        }
    }

    // Refuted and entered-in-error Conditions are not read; provisional ones are tentative, resolved or inactive ones historical.
    private static Record? Of(Condition condition)
    {
        var verification = condition.VerificationStatus?.Coding.FirstOrDefault()?.Code;
        if (verification is "entered-in-error" or "refuted")
        {
            return null;
        }

        var clinical = condition.ClinicalStatus?.Coding.FirstOrDefault()?.Code;
        var certainty = verification is "provisional" or "differential" or "unconfirmed" ? Certainty.Tentative
            : clinical is "inactive" or "resolved" or "remission" ? Certainty.Historical
            : Certainty.Confirmed;
        return new Record(condition.Code, FhirDates.Later(FhirDates.Read(condition.Onset), FhirDates.Read(condition.RecordedDate)), certainty, clinical, null);
    }

    // Only a completed procedure was done; one not done or in error is not read, any other status is tentative.
    private static Record? Of(Procedure procedure) => procedure.Status switch
    {
        EventStatus.NotDone or EventStatus.EnteredInError => null,
        EventStatus.Completed => new Record(procedure.Code, FhirDates.Read(procedure.Performed), Certainty.Confirmed, "completed", null),
        _ => new Record(procedure.Code, FhirDates.Read(procedure.Performed), Certainty.Tentative, procedure.Status is { } status ? EnumUtility.GetLiteral(status) : null, null),
    };

    // A cancelled, in-error or merely registered result is not read; a preliminary one may still change.
    private static Record? Of(Observation observation)
    {
        if (observation.Status is ObservationStatus.Cancelled or ObservationStatus.EnteredInError or ObservationStatus.Registered)
        {
            return null;
        }

        var certainty = observation.Status is ObservationStatus.Preliminary or ObservationStatus.Unknown ? Certainty.Tentative : Certainty.Confirmed;
        var when = FhirDates.Read(observation.Effective) ?? (observation.Issued is { } issued ? FhirDates.Read(issued) : null);
        var quantity = observation.Value as Quantity;
        var value = quantity?.Value is { } v ? $"{(quantity.Comparator is { } comparator ? EnumUtility.GetLiteral(comparator) : string.Empty)}{v.ToString(System.Globalization.CultureInfo.InvariantCulture)} {quantity.Code ?? quantity.Unit}".Trim() : null;
        return new Record(observation.Code, when, certainty, value, quantity);
    }

    private sealed record Record(CodeableConcept? Code, EffectiveTime? When, Certainty Certainty, string? Value, Quantity? Quantity);
}
