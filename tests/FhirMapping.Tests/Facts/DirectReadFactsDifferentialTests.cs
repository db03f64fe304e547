using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Fhir.Direct;
using Cds.FhirMapping.Policy;
using Hl7.Fhir.Model;
using System.Text.Json;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// No fact moved with the direct reader (session 22): over every record, resource, malformed variant and crafted text
/// of <see cref="FactCorpus"/>, the facts (every field, in order), the record's counts and gaps, and any exception are
/// the same whether the record's resources are read by the service's read (<see cref="FhirJson.TryRead"/>: the direct
/// reader first) or by Firely's read alone (<see cref="FhirJson.TryReadWithFirely"/>, as before), both on the record
/// the relevance filter screened and on the record read whole.
/// </summary>
public sealed class DirectReadFactsDifferentialTests(ITestOutputHelper output)
{
    private const int VariantsPerResource = 1000;

    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();
    private static readonly FactExtractor Extractor = new(Policy);

    [Fact]
    public void GivenEveryRecordResourceAndVariant_WhenReadDirectlyOrByFirelyAlone_ThenTheFactsAreTheSame()
    {
        // Arrange
        var inputs = FactCorpus.Records().Concat(FactCorpus.Resources()).Concat(FactCorpus.Variants(VariantsPerResource)).Concat(FactCorpus.Crafted(Policy));
        var compared = 0;
        var readDirectly = 0;
        var mismatches = new List<string>();
        Resource? Counted(JsonElement json)
        {
            readDirectly += DirectRead.TryRead(json) is null ? 0 : 1;
            return FhirJson.TryRead(json);
        }

        // Act
        foreach (var input in inputs)
        {
            compared++;
            foreach (var screened in new[] { true, false })
            {
                Func<string, JsonElement, bool>? relevant = screened ? Extractor.IsRelevant : null;
                var expected = Outcome(() => Dump(ClinicalRecord.Parse(input.Items, input.PatientId, relevant, FhirJson.TryReadWithFirely)));
                var actual = Outcome(() => Dump(ClinicalRecord.Parse(input.Items, input.PatientId, relevant, Counted)));
                if (!string.Equals(expected, actual, StringComparison.Ordinal))
                {
                    mismatches.Add($"{input.Name} ({(screened ? "screened" : "whole")}):\n  Firely alone: {expected}\n  direct first: {actual}");
                }
            }
        }

        // Assert
        output.WriteLine($"{compared} inputs compared (screened and whole), {readDirectly} resources read directly, {mismatches.Count} differ");
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {compared} differ:\n" + string.Join('\n', mismatches.Take(5)));
        Assert.True(compared >= 20_000, $"only {compared} inputs");
        Assert.True(readDirectly >= 20_000, $"only {readDirectly} resources were read directly");
    }

    private static string Dump(ClinicalRecord record) => FactDump.Of(record, Extractor.Extract(record));

    // The dump, or the exception that escaped (its type and message are part of what the extractor does).
    private static string Outcome(Func<string> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return $"threw {e.GetType().FullName}: {e.Message}";
        }
    }
}
