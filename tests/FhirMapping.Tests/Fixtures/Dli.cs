using System.Text.Json;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Modules;
using Cds.FhirMapping.Policy;
using Microsoft.Extensions.Time.Testing;

namespace Cds.FhirMapping.Tests.Fixtures;

/// <summary>The policy, extractor and evaluator under test, on a fixed clock (2025-06-16, a week after the DLI orders).</summary>
internal static class Dli
{
    public static readonly DateTimeOffset Now = new(2025, 6, 16, 15, 0, 0, TimeSpan.Zero);

    /// <summary>The fixture patient (Ana Rivera) every fixture resource references.</summary>
    public const string PatientId = "pat-dli-001";

    public static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();

    public static readonly FactExtractor Extractor = new(Policy);

    /// <summary>The criteria every decision reports, in the order it reports them.</summary>
    public static readonly string[] CriterionOrder = ["HCT", "I.A", "I.B", "I.C", "II", "III", "IV"];

    public static PolicyEvaluator Evaluator() => new(Policy, new FakeTimeProvider(Now), ModuleCatalog.All);

    /// <summary>Parses a draft-orders Bundle that must hold exactly one order.</summary>
    public static DraftOrder SingleOrder(JsonElement draftOrders)
    {
        Assert.True(DraftOrder.TryParseBundle(draftOrders, out var orders, out var error), error);
        return Assert.Single(orders);
    }

    /// <summary>Extracts and evaluates, checking on the way that every fixture was readable.</summary>
    public static CoverageDecision Decide(IReadOnlyList<JsonElement> record, int expectedResources, DraftOrder order)
    {
        var clinical = ClinicalRecord.Parse(record, PatientId);
        Assert.Equal(0, clinical.Unreadable);
        Assert.Equal(expectedResources, clinical.Count);
        Assert.True(Extractor.IsPolicyOrder(order), $"{order.Reference} should be a DLI (CPT 38242) order");
        var decision = Evaluator().Evaluate(Extractor.Extract(clinical), Extractor.ExtractOrder(order));

        // The service reads only what the policy uses (FactExtractor.Read): it must decide exactly the same.
        var screened = Extractor.Read(record, PatientId);
        Assert.Equal(expectedResources, screened.Count);
        Assert.Equal(0, screened.Unreadable);
        var fast = Evaluator().Evaluate(Extractor.Extract(screened), Extractor.ExtractOrder(order));
        Assert.Equal(Fingerprint(decision), Fingerprint(fast));
        return decision;
    }

    /// <summary>Evaluates the given resource references (plus the Patient) against one order fixture.</summary>
    public static CoverageDecision Decide(IReadOnlyCollection<string> record, string order) =>
        Decide(FhirFixtures.PatientRecord(record), record.Count + 1, SingleOrder(FhirFixtures.DraftOrders(order)));

    /// <summary>"HCT=Met I.A=NotMet …" for the decision, to compare a whole row at once.</summary>
    public static string Statuses(CoverageDecision decision) =>
        string.Join(" ", CriterionOrder.Select(id => $"{id}={decision[id].Status}"));

    /// <summary>Outcome, reason, and every criterion with its status, summary and cited evidence, as one string.</summary>
    public static string Fingerprint(CoverageDecision d) =>
        $"{d.Outcome}|{d.DecidingCriterion}|{d.Reason}|" + string.Join("|", d.Criteria.Select(c => $"{c.Id}={c.Status}:{c.Summary}:{string.Join(",", c.Evidence.Select(Describe))}"))
        + "|" + string.Join(",", d.Missing.Select(m => m.Criterion)) + "|" + string.Join(",", d.Documentation.Select(m => m.What));

    public static string Describe(Evidence e) => $"{e.Reference} [{e.Code}] \"{e.Value}\"";
}
