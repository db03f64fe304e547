using System.Globalization;
using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

/// <summary>
/// Criterion I.B: the words of a conditioning or graft-processing Procedure, and its date relative to the allogeneic HCT
/// of 2024-03-12 (the policy counts records from 60 days before to 7 days after it). The rest of the record meets I.A
/// and I.C.
/// </summary>
public sealed class RelapseRiskTests
{
    private const string HctUnmanipulated = "Procedure/proc-hct-allo-mud-2024"; // PCS 30233Y3: graft not T-cell depleted
    private const string HctUncoded = "Procedure/proc-hct-allo-cpt-2024"; // CPT 38240 only: graft processing unknown
    private const string Conditioning = "Procedure/proc-conditioning-ric-2024";
    private const string GraftProcessing = "Procedure/proc-graft-tcd-38210-2024"; // CPT 38210 T-cell depletion
    private static readonly DateOnly HctDate = new(2024, 3, 12);

    [Theory]
    // Conditioning intensity in the regimen text
    [InlineData(HctUnmanipulated, Conditioning, "Reduced-intensity conditioning: fludarabine/melphalan 140", -6, CriterionStatus.Met)]
    [InlineData(HctUnmanipulated, Conditioning, "Conditioning: RIC fludarabine/busulfan (Flu/Bu2)", -6, CriterionStatus.Met)]
    [InlineData(HctUnmanipulated, Conditioning, "Non-myeloablative conditioning: fludarabine + TBI 2 Gy", -3, CriterionStatus.Met)]
    [InlineData(HctUnmanipulated, Conditioning, "Nonmyeloablative conditioning: TBI 2 Gy", -3, CriterionStatus.Met)]
    [InlineData(HctUnmanipulated, Conditioning, "NMA conditioning: fludarabine/cyclophosphamide/TBI 2 Gy", -6, CriterionStatus.Met)]
    [InlineData(HctUnmanipulated, Conditioning, "Myeloablative conditioning: busulfan/cyclophosphamide (Bu/Cy)", -8, CriterionStatus.Unknown)]
    // The window: 60 days before the HCT is in, 61 is out
    [InlineData(HctUnmanipulated, Conditioning, "Myeloablative conditioning: cyclophosphamide/TBI 12 Gy", -60, CriterionStatus.Unknown)]
    [InlineData(HctUnmanipulated, Conditioning, "Myeloablative conditioning: cyclophosphamide/TBI 12 Gy", -61, CriterionStatus.Unknown)]
    [InlineData(HctUnmanipulated, Conditioning, "Reduced-intensity conditioning: fludarabine/melphalan 140", -61, CriterionStatus.Unknown)]
    // Graft processing in words, including its negations
    [InlineData(HctUncoded, Conditioning, "Myeloablative conditioning (Bu/Cy); graft T-cell replete, unmanipulated", -6, CriterionStatus.Unknown)]
    [InlineData(HctUncoded, Conditioning, "Myeloablative conditioning (Bu/Cy); no T-cell depletion of the graft", -6, CriterionStatus.Unknown)]
    [InlineData(HctUncoded, Conditioning, "Myeloablative conditioning (Bu/Cy); graft not T-cell depleted", -6, CriterionStatus.Unknown)]
    [InlineData(HctUncoded, Conditioning, "Myeloablative conditioning (Bu/Cy); CD34-selected, T-cell depleted graft", -6, CriterionStatus.Met)]
    [InlineData(HctUncoded, Conditioning, "Myeloablative conditioning (Bu/Cy)", -6, CriterionStatus.Unknown)]
    // CPT 38210 graft processing: 7 days after the HCT is in, 8 is out; 60 before in, 61 out
    [InlineData(HctUnmanipulated, GraftProcessing, null, 7, CriterionStatus.Met)]
    [InlineData(HctUnmanipulated, GraftProcessing, null, 8, CriterionStatus.Unknown)]
    [InlineData(HctUnmanipulated, GraftProcessing, null, -60, CriterionStatus.Met)]
    [InlineData(HctUnmanipulated, GraftProcessing, null, -61, CriterionStatus.Unknown)]
    public void GivenAConditioningOrGraftProcedure_WhenEvaluated_ThenCriterionIBFollowsItsWordsAndItsDateRelativeToTheHct(
        string hct, string template, string? text, int daysFromHct, CriterionStatus expected)
    {
        // Arrange
        var procedure = FhirFixtures.Resource(template);
        var date = HctDate.AddDays(daysFromHct).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        procedure.Remove("performedPeriod");
        procedure["performedDateTime"] = date;
        if (text is not null)
        {
            procedure["code"]!["text"] = text;
        }

        var record = new[]
        {
            FhirFixtures.Resource("Condition/cond-aml-relapse-2025"),
            FhirFixtures.Resource(hct),
            procedure,
            FhirFixtures.Resource("Observation/obs-chim-cd3-mixed-2025"),
        };

        // Act
        var decision = Dli.Decide(FhirFixtures.PatientRecord(record), record.Length + 1, Dli.SingleOrder(FhirFixtures.DraftOrders("ServiceRequest/sr-dli-38242")));

        // Assert
        var criterion = decision["I.B"];
        Assert.Equal(expected, criterion.Status);
        var procedureCited = criterion.Evidence.Any(e => e.Reference == $"Procedure/{procedure["id"]}");
        if (daysFromHct is < -60 or > 7)
        {
            Assert.False(procedureCited, "a record outside the HCT window must not be cited");
        }
        else if (expected != CriterionStatus.Unknown)
        {
            Assert.True(procedureCited, "the deciding record must be cited");
        }

        // Unknown is either missing data (nothing on record) or for review (stated only in words, in conflict): never both.
        if (expected == CriterionStatus.Unknown)
        {
            Assert.True(decision.Missing.Any(m => m.Criterion == "I.B") ^ criterion.Review.Count > 0, "an unknown I.B is missing data or for review");
        }
        else
        {
            Assert.DoesNotContain(decision.Missing, m => m.Criterion == "I.B");
        }

        // A "not met" stated only in words (myeloablative conditioning, a replete graft) is for review, never a denial.
        if (expected == CriterionStatus.Unknown && text is not null && text.StartsWith("Myeloablative", StringComparison.Ordinal) && daysFromHct is >= -60 and <= 7 && (hct == HctUnmanipulated || text.Contains("T-cell", StringComparison.Ordinal)))
        {
            Assert.Contains(criterion.Review, r => r.What.StartsWith("Stated only in text", StringComparison.Ordinal));
        }
    }
}
