using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests;

public sealed class PolicyCaseTableTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (var c in PolicyCaseTable.All)
        {
            data.Add(c.Name);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivenAPatientRecordAndADliOrder_WhenEvaluated_ThenOutcomeStatusesEvidenceAndMissingDataMatchTheCaseTable(string name)
    {
        // Arrange
        var row = PolicyCaseTable.Get(name);

        // Act
        var decision = Dli.Decide(row.Record, row.Order);

        // Assert
        Assert.Equal(row.Order, decision.OrderReference);
        Assert.Equal(row.Outcome, decision.Outcome);
        Assert.Equal(row.Deciding, decision.DecidingCriterion);
        Assert.Equal(ExpandStatuses(row.Statuses), Dli.Statuses(decision));
        Assert.Equal(row.Missing, decision.Missing.Select(m => m.Criterion));
        Assert.Equal(row.Review, decision.Review.Select(r => r.Criterion).Distinct());
        foreach (var citation in row.Cites.Select(Citation.Parse))
        {
            var evidence = decision[citation.Criterion].Evidence;
            if (!evidence.Any(citation.Matches))
            {
                Assert.Fail($"Expected {citation}; {citation.Criterion} cites [{string.Join("; ", evidence.Select(Dli.Describe))}]");
            }
        }

        foreach (var citation in row.DoesNotCite.Select(Citation.Parse))
        {
            var criteria = citation.Criterion == "*" ? decision.Criteria : [decision[citation.Criterion]];
            foreach (var criterion in criteria)
            {
                if (criterion.Evidence.FirstOrDefault(citation.Matches) is { } cited)
                {
                    Assert.Fail($"{criterion.Id} must not cite {citation}, but cites {Dli.Describe(cited)}");
                }
            }
        }
    }

    [Fact]
    public void GivenTheCaseTable_WhenRead_ThenEveryOutcomeAndEveryCriterionStatusIsCovered()
    {
        // Arrange
        var rows = PolicyCaseTable.All;

        // Act
        var outcomes = rows.Select(r => r.Outcome).Distinct().ToHashSet();
        var statuses = rows.SelectMany(r => r.Statuses.Split(' ')).ToHashSet(StringComparer.Ordinal);

        // Assert
        Assert.Equal(Enum.GetValues<DecisionOutcome>().ToHashSet(), outcomes);
        foreach (var id in new[] { "HCT", "I.A", "I.B", "I.C" })
        {
            Assert.Contains($"{id}=M", statuses);
            Assert.Contains($"{id}=U", statuses);

            // I.B "not met" needs myeloablative conditioning, which no code expresses: stated in words, it is for
            // review, so no fixture record can deny on I.B until conditioning is read from doses.
            if (id != "I.B")
            {
                Assert.Contains($"{id}=N", statuses);
            }
        }

        Assert.Equal(rows.Length, rows.Select(r => r.Name).Distinct(StringComparer.Ordinal).Count());
        Assert.Contains(rows, r => r.Deciding == "III");
        Assert.Contains(rows, r => r.Deciding == "IV");
    }

    // "HCT=M I.A=U …" → "HCT=Met I.A=Unknown …", checking that the row names all seven criteria in order.
    private static string ExpandStatuses(string row)
    {
        var cells = row.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(cell => cell.Split('=')).ToList();
        Assert.Equal(Dli.CriterionOrder, cells.Select(c => c[0]));
        return string.Join(" ", cells.Select(c => $"{c[0]}={c[1] switch
        {
            "M" => CriterionStatus.Met,
            "N" => CriterionStatus.NotMet,
            "U" => CriterionStatus.Unknown,
            _ => throw new FormatException($"Status '{c[1]}' is not M, N or U."),
        }}"));
    }
}
