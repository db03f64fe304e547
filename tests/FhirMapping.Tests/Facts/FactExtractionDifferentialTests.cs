using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Facts.Reference;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// No fact changed (issue #14, fourth round): over every record and resource of <see cref="FactCorpus"/> and the
/// malformed variants of every resource, the shipped extractor gives exactly the facts (every field, in the same order),
/// the same record counts and the same exceptions as the extractor as it was (<see cref="ReferenceFactExtractor"/>), both
/// on the record the relevance filter screened (as the service reads it) and on the record read whole.
/// </summary>
public sealed class FactExtractionDifferentialTests(ITestOutputHelper output)
{
    private const int VariantsPerResource = 4000;

    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();
    private static readonly FactExtractor Shipped = new(Policy);
    private static readonly ReferenceFactExtractor Former = new(Policy);

    [Fact]
    public void GivenEveryRecordTheRepositoryHolds_WhenExtracted_ThenTheFactsAreTheFormerExtractors()
    {
        // Arrange
        var records = FactCorpus.Records().ToList();

        // Act
        var tally = Compare(records);

        // Assert: the same facts, and records that exercise the readers that changed.
        output.WriteLine(tally.ToString());
        Assert.True(tally.Mismatches.Count == 0, string.Join('\n', tally.Mismatches.Take(5)));
        Assert.True(records.Count >= 40, $"only {records.Count} records");
        Assert.True(tally.WithRelapseRisk >= 20, $"only {tally.WithRelapseRisk} records with graft or conditioning facts");
        Assert.True(tally.WithChimerism >= 20, $"only {tally.WithChimerism} records with chimerism facts");
        Assert.True(tally.WithSkipped >= 10, $"only {tally.WithSkipped} records where the relevance filter skipped a resource");
    }

    [Fact]
    public void GivenEveryResourceAndItsMalformedVariants_WhenExtractedAlone_ThenTheFactsAreTheFormerExtractors()
    {
        // Arrange
        var inputs = FactCorpus.Resources().Concat(FactCorpus.Variants(VariantsPerResource));

        // Act
        var tally = Compare(inputs);

        // Assert
        output.WriteLine(tally.ToString());
        Assert.True(tally.Mismatches.Count == 0, $"{tally.Mismatches.Count} of {tally.Compared} differ:\n" + string.Join('\n', tally.Mismatches.Take(5)));
        Assert.True(tally.Compared >= 50_000, $"only {tally.Compared} inputs");
        Assert.True(tally.WithRelapseRisk >= 100, $"only {tally.WithRelapseRisk} inputs with graft or conditioning facts");
        Assert.True(tally.WithChimerism >= 100, $"only {tally.WithChimerism} inputs with chimerism facts");
        Assert.True(tally.WithGaps >= 100, $"only {tally.WithGaps} inputs with a gap (a value of the wrong type)");
        // A null item in a list once passed the Firely read and made the readers throw (a 500); such a resource is now
        // unreadable at the read (PocoShape), so no variant reaches a reader that throws.
        Assert.True(tally.Threw == 0, $"the extractor threw on {tally.Threw} inputs");
    }

    [Fact]
    public void GivenEveryTextWhereTheReadersReadWords_WhenExtracted_ThenTheFactsAreTheFormerExtractors()
    {
        // Arrange: each text several times over in one resource (a code's text that is also its display, a note …).
        var inputs = FactCorpus.Crafted(Policy);

        // Act
        var tally = Compare(inputs);

        // Assert
        output.WriteLine(tally.ToString());
        Assert.True(tally.Mismatches.Count == 0, $"{tally.Mismatches.Count} of {tally.Compared} differ:\n" + string.Join('\n', tally.Mismatches.Take(5)));
        Assert.True(tally.Compared >= 4_000, $"only {tally.Compared} inputs");
        Assert.True(tally.WithRelapseRisk >= 500, $"only {tally.WithRelapseRisk} inputs with graft or conditioning facts");
        Assert.True(tally.WithChimerism >= 500, $"only {tally.WithChimerism} inputs with chimerism facts");
        Assert.True(tally.WithTransplants >= 500, $"only {tally.WithTransplants} inputs with a transplant");
    }

    private static Tally Compare(IEnumerable<FactCorpus.Input> inputs)
    {
        var tally = new Tally();
        foreach (var input in inputs)
        {
            tally.Compared++;
            foreach (var screened in new[] { true, false })
            {
                var expected = Outcome(() =>
                {
                    var record = screened ? Former.Read(input.Items, input.PatientId) : ClinicalRecord.Parse(input.Items, input.PatientId);
                    return (FactDump.Of(record, Former.Extract(record)), Former.Extract(record));
                });
                var actual = Outcome(() =>
                {
                    var record = screened ? Shipped.Read(input.Items, input.PatientId) : ClinicalRecord.Parse(input.Items, input.PatientId);
                    return (FactDump.Of(record, Shipped.Extract(record)), Shipped.Extract(record));
                });
                if (!string.Equals(expected.Dump, actual.Dump, StringComparison.Ordinal))
                {
                    tally.Mismatches.Add($"{input.Name} ({(screened ? "screened" : "whole")}):\n  former:  {expected.Dump}\n  shipped: {actual.Dump}");
                }

                if (screened)
                {
                    tally.Count(expected.Dump, expected.Facts);
                }
            }
        }

        return tally;
    }

    // The dump, or the exception that escaped (its type and message are part of what the extractor does).
    private static (string Dump, ClinicalFacts? Facts) Outcome(Func<(string, ClinicalFacts)> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return ($"threw {e.GetType().FullName}: {e.Message}", null);
        }
    }

    private sealed class Tally
    {
        public int Compared { get; set; }

        public int WithRelapseRisk { get; private set; }

        public int WithChimerism { get; private set; }

        public int WithGaps { get; private set; }

        public int WithTransplants { get; private set; }

        public int WithSkipped { get; private set; }

        public int Threw { get; private set; }

        public List<string> Mismatches { get; } = [];

        public void Count(string dump, ClinicalFacts? facts)
        {
            if (facts is null)
            {
                Threw++;
                return;
            }

            WithRelapseRisk += facts.RelapseRisk.Count > 0 ? 1 : 0;
            WithChimerism += facts.Chimerism.Count > 0 ? 1 : 0;
            WithGaps += facts.Gaps.Count > 0 ? 1 : 0;
            WithTransplants += facts.Transplants.Count > 0 ? 1 : 0;
            WithSkipped += dump.Contains(" skipped=0 ", StringComparison.Ordinal) ? 0 : 1;
        }

        public override string ToString() =>
            $"{Compared} compared, {Mismatches.Count} differ; with relapse-risk facts {WithRelapseRisk}, chimerism {WithChimerism}, transplants {WithTransplants}, gaps {WithGaps}, skipped resources {WithSkipped}, threw {Threw}";
    }
}
