using System.Globalization;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Policy;
using Hl7.Fhir.Model;
using static Cds.FhirMapping.Fhir.Readers.RecordText;

namespace Cds.FhirMapping.Fhir.Readers;

/// <summary>
/// Reads the doses of conditioning agents (I.B): MedicationAdministrations (what was given), and MedicationRequests and
/// MedicationStatements (what was ordered or stated), which the facts use only where no administration is on record.
/// A dose is kept as written (one record, one dose) with its route; a dose that cannot be read is recorded as such.
/// </summary>
internal sealed class ConditioningReader(AgentNames names)
{
    public void Read(MedicationAdministration administration, IReadOnlyDictionary<string, Medication> medications, FactSink sink)
    {
        if (administration.Status is MedicationAdministration.MedicationAdministrationStatusCodes.NotDone
            or MedicationAdministration.MedicationAdministrationStatusCodes.EnteredInError
            or MedicationAdministration.MedicationAdministrationStatusCodes.OnHold)
        {
            return;
        }

        // A stopped infusion or one of unknown status gave an unknown part of its dose: the doses are incomplete.
        if (administration.Status is MedicationAdministration.MedicationAdministrationStatusCodes.Stopped
            or MedicationAdministration.MedicationAdministrationStatusCodes.Unknown)
        {
            sink.Gaps.Add(new DataGap("MedicationAdministration", $"MedicationAdministration/{administration.Id}: stopped or of unknown status, so its dose is not known"));
            return;
        }

        var when = FhirDates.Read(administration.Effective);
        var route = names.Route(administration.Dosage?.Route);
        var dose = DoseUnits.Read(administration.Dosage?.Dose);
        foreach (var (agent, coding) in Agents(administration.Medication, administration, medications))
        {
            Add(administration, agent, coding, when, dose, route, fromOrder: false, total: false, sink.Doses, sink.UnreadableDoses, "the administration gives no dose in mg, mg/kg or mg/m²");
        }
    }

    public void Read(MedicationRequest request, IReadOnlyDictionary<string, Medication> medications, FactSink sink)
    {
        if (request.Status is not (MedicationRequest.MedicationrequestStatus.Active or MedicationRequest.MedicationrequestStatus.Completed)
            || request.DoNotPerform == true
            || request.Intent is MedicationRequest.MedicationRequestIntent.Proposal or MedicationRequest.MedicationRequestIntent.Plan)
        {
            return;
        }

        var dosage = request.DosageInstruction.FirstOrDefault();
        var when = Start(dosage) ?? (request.AuthoredOn is { } authored ? FhirDates.Read(authored) : null);
        ReadOrdered(request, request.Medication, dosage, when, medications, sink);
    }

    public void Read(MedicationStatement statement, IReadOnlyDictionary<string, Medication> medications, FactSink sink)
    {
        if (statement.Status is not (MedicationStatement.MedicationStatusCodes.Completed or MedicationStatement.MedicationStatusCodes.Active))
        {
            return;
        }

        var dosage = statement.Dosage.FirstOrDefault();
        ReadOrdered(statement, statement.Medication, dosage, FhirDates.Read(statement.Effective) ?? Start(dosage), medications, sink);
    }

    private void ReadOrdered(DomainResource resource, DataType? medication, Dosage? dosage, EffectiveTime? when, IReadOnlyDictionary<string, Medication> medications, FactSink sink)
    {
        var single = DoseUnits.Read(dosage?.DoseAndRate.FirstOrDefault()?.Dose as Quantity);
        var count = Count(dosage?.Timing?.Repeat);
        (decimal, string)? total = single is { } s && count is { } n ? (s.Amount * n, s.Unit) : null;
        var route = names.Route(dosage?.Route);
        foreach (var (agent, coding) in Agents(medication, resource, medications))
        {
            var why = single is null ? "the order gives no dose in mg, mg/kg or mg/m²" : "the order gives no number of doses";
            Add(resource, agent, coding, when, total, route, fromOrder: true, total: true, sink.OrderedDoses, sink.UnreadableOrderedDoses, why);
        }
    }

    private static void Add(Resource resource, ConditioningTerms.Agent agent, Coding? coding, EffectiveTime? when, (decimal Amount, string Unit)? dose, string? route, bool fromOrder, bool total, List<DoseFact> doses, List<UnreadableDoseFact> unreadable, string why)
    {
        var source = coding is null ? SourceKind.StructuredValue : SourceKind.Code;
        if (dose is not { } d)
        {
            unreadable.Add(new UnreadableDoseFact(Cite(resource, coding, when, $"{agent.Id}: {why}", source), agent.Id, why));
            return;
        }

        var value = string.Create(CultureInfo.InvariantCulture, $"{agent.Id} {d.Amount:0.###} {d.Unit}{(route is null ? string.Empty : " " + route)}{(total ? " (course total)" : string.Empty)}");
        doses.Add(new DoseFact(Cite(resource, coding, when, value, SourceKind.StructuredValue), agent.Id, d.Amount, d.Unit, route, fromOrder, total));
    }

    // The medication as a concept, a contained Medication, or a Medication in the record.
    private IReadOnlyList<(ConditioningTerms.Agent Agent, Coding? Coding)> Agents(DataType? medication, DomainResource owner, IReadOnlyDictionary<string, Medication> medications)
    {
        var concept = medication switch
        {
            CodeableConcept c => c,
            ResourceReference { Reference: { } reference } when reference.StartsWith('#') =>
                owner.Contained.OfType<Medication>().FirstOrDefault(m => m.Id == reference[1..])?.Code,
            ResourceReference { Reference: { } reference } when reference.Split('/') is [.., "Medication", var id] =>
                medications.TryGetValue(id, out var m) ? m.Code : null,
            _ => null,
        };
        if (concept is null && medication is ResourceReference { Display: { } display })
        {
            concept = new CodeableConcept { Text = display };
        }

        return names.Find(concept, radiation: false);
    }

    private static EffectiveTime? Start(Dosage? dosage) => dosage?.Timing?.Repeat?.Bounds switch
    {
        Period period => FhirDates.Read(period),
        _ => dosage?.Timing?.EventElement.Select(e => FhirDates.Read(e.Value)).FirstOrDefault(e => e is not null),
    };

    // The number of doses an order gives: its count, or once a day over its bounding period.
    private static int? Count(Timing.RepeatComponent? repeat)
    {
        if (repeat is null)
        {
            return null;
        }

        if (repeat.Count is { } count and > 0)
        {
            return count;
        }

        if (repeat.Bounds is Period period && FhirDates.Read(period) is { Precision: not (DatePrecision.Year or DatePrecision.Month) } days
            && (repeat.Frequency ?? 1) == 1 && (repeat.Period ?? 1) == 1 && repeat.PeriodUnit is Timing.UnitsOfTime.D)
        {
            return days.Last.DayNumber - days.First.DayNumber + 1;
        }

        return null;
    }
}
