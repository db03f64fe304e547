using System.Text.Json;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Dtr;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Modules;
using Cds.FhirMapping.Tests.Fixtures;
using Microsoft.Extensions.Time.Testing;

namespace Cds.FhirMapping.Tests.Dtr;

/// <summary>
/// A completed QuestionnaireResponse is clinician-attested evidence: it fills criteria the chart leaves unknown, and an
/// answer that contradicts the chart is a conflict for review, never a decision against the chart.
/// </summary>
public sealed class AttestedAnswerTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 25, 18, 0, 0, TimeSpan.Zero);

    private static CoverageDecision Decide(string sample, string patientId, params JsonObject[] responses)
    {
        var bundle = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Samples", sample))).RootElement;
        var resources = new List<JsonElement> { bundle };
        resources.AddRange(responses.Select(FhirFixtures.ToElement));
        var record = Dli.Extractor.Read(resources, patientId);
        Assert.Equal(0, record.Unreadable);
        var order = Dli.SingleOrder(FhirFixtures.ToElement(new JsonObject
        {
            ["resourceType"] = "Bundle",
            ["type"] = "collection",
            ["entry"] = new JsonArray(new JsonObject
            {
                ["resource"] = new JsonObject
                {
                    ["resourceType"] = "ServiceRequest",
                    ["id"] = "sr-dli",
                    ["status"] = "draft",
                    ["intent"] = "order",
                    ["code"] = new JsonObject { ["coding"] = new JsonArray(new JsonObject { ["system"] = "http://www.ama-assn.org/go/cpt", ["code"] = "38242" }) },
                    ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
                    ["authoredOn"] = "2026-11-24T10:15:00-08:00",
                },
            }),
        }));
        var evaluator = new PolicyEvaluator(Dli.Policy, new FakeTimeProvider(Now), ModuleCatalog.All);
        return evaluator.Evaluate(Dli.Extractor.Extract(record), Dli.Extractor.ExtractOrder(order));
    }

    private static Answers MissingDataAnswers(string status = "completed") => new Answers("dli4503-missing-data") { Status = status }
        .Code(DtrItems.IbConditioning, DtrItems.ReducedIntensity)
        .Boolean(DtrItems.IcTested, true)
        .Decimal(DtrItems.IcPercent("T-cell"), 70m)
        .Date(DtrItems.IcDate("T-cell"), "2026-11-02");

    [Fact]
    public void Without_answers_the_missing_data_patient_is_undetermined_for_I_B_and_I_C()
    {
        var decision = Decide("dli-missing-data.json", "dli4503-missing-data");
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(["I.B", "I.C"], decision.Missing.Select(m => m.Criterion));
    }

    [Fact]
    public void Answers_that_complete_a_missing_data_case_make_it_meet_the_criteria()
    {
        var decision = Decide("dli-missing-data.json", "dli4503-missing-data", MissingDataAnswers().Build());

        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Empty(decision.Missing);
        Assert.Empty(decision.Review);
        var ib = decision[CriterionIds.HighRelapseRisk];
        var attested = Assert.Single(ib.Evidence);
        Assert.Equal(SourceKind.ClinicianAttested, attested.Source);
        Assert.Equal("QuestionnaireResponse/qr-1", attested.Reference);
        Assert.Equal("Practitioner/dli4503-practitioner-raman", attested.Attester);
        var ic = decision[CriterionIds.MixedChimerism];
        Assert.Equal(CriterionStatus.Met, ic.Status);
        Assert.Equal(new DateOnly(2026, 11, 2), Assert.Single(ic.Evidence).Date);

        // The chart still decides what it shows: the coded relapse and the coded transplant.
        Assert.All(decision[CriterionIds.RelapsedOrRefractory].Evidence, e => Assert.NotEqual(SourceKind.ClinicianAttested, e.Source));
        Assert.All(decision[CriterionIds.PriorAllogeneicHct].Evidence, e => Assert.Equal("Procedure", e.ResourceType));
    }

    [Theory]
    [InlineData("in-progress")]
    [InlineData("stopped")]
    [InlineData("entered-in-error")]
    public void A_response_that_is_not_completed_is_not_evidence(string status)
    {
        var decision = Decide("dli-missing-data.json", "dli4503-missing-data", MissingDataAnswers(status).Build());
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(["I.B", "I.C"], decision.Missing.Select(m => m.Criterion));
    }

    [Fact]
    public void A_response_to_another_questionnaire_or_of_another_patient_is_not_evidence()
    {
        var other = new Answers("dli4503-missing-data") { Questionnaire = "https://payer.example/fhir/Questionnaire/home-oxygen" }
            .Code(DtrItems.IbConditioning, DtrItems.ReducedIntensity).Decimal(DtrItems.IcPercent("T-cell"), 70m).Build();
        var foreign = MissingDataAnswers().Build();
        foreign["subject"] = new JsonObject { ["reference"] = "Patient/someone-else" };
        var decision = Decide("dli-missing-data.json", "dli4503-missing-data", other, foreign);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(["I.B", "I.C"], decision.Missing.Select(m => m.Criterion));
    }

    [Fact]
    public void An_answer_that_contradicts_a_coded_remission_is_a_conflict_for_review_not_a_relapse()
    {
        // The chart codes C92.01 (in remission) on 2026-09-15; the clinician answers "relapsed" as of 2026-11-01.
        var answers = new Answers("dli4503-not-met-ia").Boolean(DtrItems.IaMalignancy, true).Code(DtrItems.IaStatus, DtrItems.Relapsed).Date(DtrItems.IaDate, "2026-11-01").Build();
        var decision = Decide("dli-not-met-ia.json", "dli4503-not-met-ia", answers);

        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        var ia = decision[CriterionIds.RelapsedOrRefractory];
        Assert.Equal(CriterionStatus.Unknown, ia.Status);
        var item = Assert.Single(decision.Review);
        Assert.Equal(CriterionIds.RelapsedOrRefractory, item.Criterion);
        Assert.StartsWith("Conflicting records", item.Reason, StringComparison.Ordinal);
        Assert.Contains(item.Evidence, e => e.Reference == "Condition/dli4503-not-met-ia-cond-aml-remission");
        Assert.Contains(item.Evidence, e => e.Source == SourceKind.ClinicianAttested && e.Reference == "QuestionnaireResponse/qr-1");
    }

    [Fact]
    public void An_answer_that_contradicts_coded_full_donor_results_is_a_conflict_for_review()
    {
        var answers = new Answers("dli4503-not-met-ic").Boolean(DtrItems.IcTested, true).Decimal(DtrItems.IcPercent("T-cell"), 80m).Date(DtrItems.IcDate("T-cell"), "2026-11-10").Build();
        var decision = Decide("dli-not-met-ic.json", "dli4503-not-met-ic", answers);

        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision[CriterionIds.MixedChimerism].Status);
        var item = Assert.Single(decision.Review);
        Assert.Equal(CriterionIds.MixedChimerism, item.Criterion);
        Assert.StartsWith("Conflicting records", item.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void An_answer_that_agrees_with_the_chart_changes_nothing()
    {
        var answers = new Answers("dli4503-met").Boolean(DtrItems.HctAllogeneic, true).Date(DtrItems.HctDate, "2025-03-12").Code(DtrItems.IaStatus, DtrItems.Relapsed).Build();
        var decision = Decide("dli-met.json", "dli4503-met", answers);
        Assert.Equal(DecisionOutcome.MeetsCriteria, decision.Outcome);
        Assert.Empty(decision.Review);
        Assert.DoesNotContain(decision.Criteria.SelectMany(c => c.Evidence), e => e.Source == SourceKind.ClinicianAttested);
    }

    [Fact]
    public void An_answer_never_settles_what_the_chart_sends_for_review()
    {
        // Myeloablative conditioning stated only in words is for review; an answer saying "reduced intensity" does not settle it.
        var answers = new Answers("dli4503-not-met-ib").Code(DtrItems.IbConditioning, DtrItems.ReducedIntensity).Build();
        var decision = Decide("dli-not-met-ib.json", "dli4503-not-met-ib", answers);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Contains(decision.Review, r => r.Criterion == CriterionIds.HighRelapseRisk && r.Reason == "Stated only in text");
    }

    [Fact]
    public void An_attested_remission_where_the_chart_says_nothing_decides_against_the_order()
    {
        // Clinician attestation is evidence in both directions: with no status on record, an attested remission is I.A not met.
        var answers = new Answers("dli4503-missing-data").Code(DtrItems.IaStatus, DtrItems.Remission).Build();
        var chart = Decide("dli-missing-data.json", "dli4503-missing-data");
        Assert.Equal(CriterionStatus.Met, chart[CriterionIds.RelapsedOrRefractory].Status);
        var decision = Decide("dli-missing-data.json", "dli4503-missing-data", answers);
        Assert.Equal(DecisionOutcome.CannotBeDetermined, decision.Outcome);
        Assert.Equal(CriterionStatus.Unknown, decision[CriterionIds.RelapsedOrRefractory].Status);
        Assert.Contains(decision.Review, r => r.Criterion == CriterionIds.RelapsedOrRefractory);
    }
}
