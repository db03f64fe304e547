using System.Text.Json;
using Cds.Bench.Corpus;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Fhir.Direct;
using Cds.FhirMapping.Tests.Reading.Reference;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Tests.Reading;

/// <summary>
/// The direct reader (<see cref="DirectRead"/>) reads what Firely reads (session 22): over every resource of
/// <see cref="FhirReadCorpus"/>, its malformed variants and the variants aimed at the direct reader's gates
/// (<see cref="DirectReadVariants"/>), a resource the direct reader handles is one Firely's read
/// (<see cref="FhirJson.TryReadWithFirely"/>, the service's read before) also reads, equal to it by Firely's deep
/// equality (<c>IsExactly</c>), node by node with the same stored values (<see cref="PocoTree"/>) and written out as
/// the same JSON (a decimal's trailing zeros included), and clean (<see cref="CleanPoco"/>, so skipping
/// <see cref="PocoShape"/> changes nothing); and the service's read (<see cref="FhirJson.TryRead"/>) gives Firely's
/// verdict and resource on every input, handled or not.
/// </summary>
public sealed class DirectReadDifferentialTests(ITestOutputHelper output)
{
    private const int VariantsPerResource = 4000;

    [Fact]
    public void GivenEveryResourceTheRepositoryHolds_WhenReadDirectly_ThenItIsFirelysResourceOrNotHandled()
    {
        // Arrange
        var resources = FhirReadCorpus.Resources;

        // Act
        var tally = Compare(resources);

        // Assert
        output.WriteLine(tally.ToString());
        Assert.True(tally.Mismatches.Count == 0, string.Join('\n', tally.Mismatches.Take(10)));
        Assert.True(tally.Handled >= 1_000, $"only {tally.Handled} of {tally.Compared} resources were read directly");
        Assert.True(tally.FellBack >= 200, $"only {tally.FellBack} resources fell back to Firely");
    }

    [Fact]
    public void GivenMalformedVariantsOfEveryResource_WhenReadDirectly_ThenEachIsFirelysResourceOrNotHandled()
    {
        // Arrange
        var variants = FhirReadCorpus.Variants(VariantsPerResource)
            .Concat(DirectReadVariants.Of("Observation")).Concat(DirectReadVariants.Of("Procedure")).Concat(DirectReadVariants.Of("Condition"))
            .Concat(DirectReadVariants.Of("DocumentReference"));

        // Act
        var tally = Compare(variants);

        // Assert: no difference, and variants of every kind (read directly, fallen back and read, unreadable).
        output.WriteLine(tally.ToString());
        Assert.True(tally.Mismatches.Count == 0, $"{tally.Mismatches.Count} of {tally.Compared} differ:\n" + string.Join('\n', tally.Mismatches.Take(10)));
        Assert.True(tally.Compared >= 50_000, $"only {tally.Compared} variants");
        Assert.True(tally.Handled >= 2_000, $"only {tally.Handled} variants were read directly");
        Assert.True(tally.FellBackRead >= 5_000, $"only {tally.FellBackRead} variants fell back and Firely read them");
        Assert.True(tally.FirelyRejected >= 5_000, $"only {tally.FirelyRejected} variants Firely found unreadable");
    }

    [Fact]
    public void GivenTheCorpusPatients_WhenRead_ThenEveryObservationProcedureConditionAndDocumentIsReadDirectly()
    {
        var extractor = new FactExtractor(PolicyFiles.LoadDefault());
        foreach (var (name, size) in new[] { ("typical", 50), ("heavy", 2000) })
        {
            // Arrange: the resources of the prefetch, the searchset Bundles unpacked, as the record reads them; and those
            // the relevance filter lets through to be read (FactExtractor.Read).
            using var document = JsonDocument.Parse(PatientRecord.HookRequest(name, size, 4503).ToJsonString());
            var resources = document.RootElement.GetProperty("prefetch").EnumerateObject().SelectMany(p => Unpacked(p.Value)).ToList();
            var screened = resources.Where(r => extractor.IsRelevant(r.GetProperty("resourceType").GetString()!, r)).ToList();

            // Act
            var direct = resources.Count(r => DirectRead.TryRead(r) is not null);
            var screenedDirect = screened.Count(r => DirectRead.TryRead(r) is not null);
            var handledTypes = resources.Count(r => r.GetProperty("resourceType").GetString() is "Observation" or "Procedure" or "Condition" or "DocumentReference");

            // Assert
            output.WriteLine($"{name}: {direct} of {resources.Count} resources read directly; of the {screened.Count} the relevance filter lets through, {screenedDirect}");
            Assert.Equal(handledTypes, direct);
            Assert.True(direct >= resources.Count * 3 / 4, $"{name}: only {direct} of {resources.Count} read directly");
            Assert.True(screenedDirect == screened.Count, $"{name}: only {screenedDirect} of the {screened.Count} screened resources read directly");
        }
    }

    private static IEnumerable<JsonElement> Unpacked(JsonElement value) =>
        value.GetProperty("resourceType").ValueEquals("Bundle")
            ? value.TryGetProperty("entry", out var entries) ? entries.EnumerateArray().Select(e => e.GetProperty("resource")) : []
            : [value];

    private static Tally Compare(IEnumerable<(string Source, string Json)> items)
    {
        var tally = new Tally();
        foreach (var (source, json) in items)
        {
            tally.Compared++;
            using var document = JsonDocument.Parse(json);
            var element = document.RootElement;
            var firely = Outcome(FhirJson.TryReadWithFirely, element, out var expected);
            var shipped = Outcome(FhirJson.TryRead, element, out var actual);
            var direct = Outcome(DirectRead.TryRead, element, out var read);
            if (firely != shipped || (expected is not null && !Same(expected, actual!)))
            {
                tally.Mismatches.Add($"{source}: Firely {firely}, the service's read {shipped}: {json}");
            }
            else if (read is not null && (expected is null || !Same(expected, read) || !CleanPoco.IsClean(read)))
            {
                tally.Mismatches.Add($"{source}: read directly, but Firely {firely}{(expected is null ? string.Empty : " another resource")}: {json}");
            }
            else if (direct.StartsWith("threw", StringComparison.Ordinal))
            {
                tally.Mismatches.Add($"{source}: the direct reader {direct}: {json}");
            }
            else if (read is not null)
            {
                tally.Handled++;
            }
            else if (expected is not null)
            {
                tally.FellBackRead++;
            }
            else
            {
                tally.FirelyRejected++;
            }
        }

        return tally;
    }

    // Equal by Firely's deep equality, node by node (stored values and their .NET types), and as written out.
    private static bool Same(Resource expected, Resource actual) =>
        expected.IsExactly(actual) && PocoTree.Same(expected, actual)
        && string.Equals(Written(expected), Written(actual), StringComparison.Ordinal);

    private static string Written(Resource resource)
    {
        try
        {
            return JsonSerializer.Serialize(resource, ReferenceFhirJson.Lenient);
        }
#pragma warning disable CA1031 // What the serializer throws is part of what is compared.
        catch (Exception e)
#pragma warning restore CA1031
        {
            return "threw " + e.GetType().Name;
        }
    }

    private static string Outcome(Func<JsonElement, Resource?> read, JsonElement element, out Resource? resource)
    {
        try
        {
            resource = read(element);
            return resource is null ? "unreadable" : "read";
        }
#pragma warning disable CA1031 // Whatever Firely's read threw, the service's read must throw too.
        catch (Exception e)
#pragma warning restore CA1031
        {
            resource = null;
            return "threw " + e.GetType().Name;
        }
    }

    private sealed class Tally
    {
        public List<string> Mismatches { get; } = [];

        public int Compared { get; set; }

        public int Handled { get; set; }

        public int FellBackRead { get; set; }

        public int FirelyRejected { get; set; }

        public int FellBack => FellBackRead + FirelyRejected;

        public override string ToString() =>
            $"{Compared} compared: {Handled} read directly, {FellBackRead} fell back and read by Firely, {FirelyRejected} fell back and unreadable, {Mismatches.Count} differ";
    }
}
