using System.Text.Json;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Tests.Reading.Reference;
using Hl7.Fhir.Model;

namespace Cds.FhirMapping.Tests.Reading;

/// <summary>
/// Reading a resource got cheaper without changing what is read (issue #14): over every resource of
/// <see cref="FhirReadCorpus"/> and its malformed variants, the shipped reader (<see cref="FhirJson.TryRead"/>, which
/// skips <see cref="PocoShape"/>'s walk for a clean resource) gives exactly the verdict of the reader as it was
/// (<see cref="ReferenceFhirJson"/>: an Ostrich read, then the full walk), the same exception where that one threw, and
/// a resource equal to its resource where both read one. The lemma underneath is checked on its own: a resource the
/// clean check passes is one the full walk finds readable.
/// </summary>
public sealed class FirelyReadDifferentialTests(ITestOutputHelper output)
{
    private const int VariantsPerResource = 4000;

    [Fact]
    public void GivenEveryResourceTheRepositoryHolds_WhenRead_ThenTheVerdictAndTheResourceAreTheFormerReaders()
    {
        // Arrange
        var resources = FhirReadCorpus.Resources;

        // Act
        var tally = Compare(resources);

        // Assert
        output.WriteLine(tally.ToString());
        Assert.True(tally.Mismatches.Count == 0, string.Join('\n', tally.Mismatches.Take(20)));
        Assert.True(resources.Count >= 500, $"only {resources.Count} resources found");
        Assert.True(tally.Clean >= 500, $"only {tally.Clean} of {resources.Count} resources took the clean path");
        Assert.True(tally.Unreadable >= 10, $"only {tally.Unreadable} unreadable resources among the fixtures");
    }

    [Fact]
    public void GivenMalformedVariantsOfEveryResource_WhenRead_ThenTheVerdictAndTheResourceAreTheFormerReaders()
    {
        // Arrange
        var variants = FhirReadCorpus.Variants(VariantsPerResource);

        // Act
        var tally = Compare(variants);

        // Assert: the same answers, and variants of every kind (read on the clean path, read after the walk, unreadable).
        output.WriteLine(tally.ToString());
        Assert.True(tally.Mismatches.Count == 0, $"{tally.Mismatches.Count} of {tally.Compared} variants differ:\n" + string.Join('\n', tally.Mismatches.Take(20)));
        Assert.True(tally.Compared >= 20_000, $"only {tally.Compared} variants");
        Assert.True(tally.Clean >= 2_000, $"only {tally.Clean} variants took the clean path");
        Assert.True(tally.WalkedReadable >= 2_000, $"only {tally.WalkedReadable} variants were readable after the full walk");
        Assert.True(tally.Unreadable >= 5_000, $"only {tally.Unreadable} variants were unreadable");
    }

    [Fact]
    public void GivenTheCorpusPatients_WhenRead_ThenEveryResourceIsCleanSoNoneIsWalked()
    {
        // Arrange: the benchmark patients are well-formed FHIR, as most EHR data is.
        var corpus = FhirReadCorpus.Resources.Where(r => r.Source.StartsWith("corpus ", StringComparison.Ordinal)).ToList();

        // Act
        var walked = corpus.Where(r => Ostrich(r.Json) is not { } resource || !CleanPoco.IsClean(resource)).Select(r => r.Json[..Math.Min(120, r.Json.Length)]).ToList();

        // Assert
        Assert.True(corpus.Count >= 100, $"only {corpus.Count} corpus resources");
        Assert.True(walked.Count == 0, $"{walked.Count} corpus resources were not clean:\n" + string.Join('\n', walked.Take(10)));
    }

    private static Tally Compare(IEnumerable<(string Source, string Json)> items)
    {
        var tally = new Tally();
        foreach (var (source, json) in items)
        {
            tally.Compared++;
            using var document = JsonDocument.Parse(json);
            var element = document.RootElement;
            var expected = Outcome(ReferenceFhirJson.TryRead, element, out var before);
            var actual = Outcome(FhirJson.TryRead, element, out var after);
            if (expected != actual)
            {
                tally.Mismatches.Add($"{source}: former reader {expected}, shipped reader {actual}: {json}");
                continue;
            }

            if (before is not null && after is not null && !PocoTree.Same(before, after))
            {
                tally.Mismatches.Add($"{source}: both read it, but the resources differ: {json}");
                continue;
            }

            // The lemma: what the clean check passes, the full walk finds readable.
            if (Ostrich(json) is { } read && CleanPoco.IsClean(read))
            {
                tally.Clean++;
                if (!ReferencePocoShape.IsReadable(read))
                {
                    tally.Mismatches.Add($"{source}: clean, yet the full walk finds it unreadable: {json}");
                }
            }
            else if (before is not null)
            {
                tally.WalkedReadable++;
            }
            else
            {
                tally.Unreadable++;
            }
        }

        return tally;
    }

    private static string Outcome(Func<JsonElement, Resource?> read, JsonElement element, out Resource? resource)
    {
        try
        {
            resource = read(element);
            return resource is null ? "unreadable" : "read";
        }
#pragma warning disable CA1031 // Whatever the former reader threw, the shipped one must throw too.
        catch (Exception e)
#pragma warning restore CA1031
        {
            resource = null;
            return "threw " + e.GetType().Name;
        }
    }

    private static Resource? Ostrich(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.Deserialize<Resource>(ReferenceFhirJson.Lenient);
        }
#pragma warning disable CA1031 // A variant the deserializer rejects has no resource to check.
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private sealed class Tally
    {
        public List<string> Mismatches { get; } = [];

        public int Compared { get; set; }

        public int Clean { get; set; }

        public int WalkedReadable { get; set; }

        public int Unreadable { get; set; }

        public override string ToString() =>
            $"{Compared} compared: {Clean} clean (no walk), {WalkedReadable} readable after the full walk, {Unreadable} unreadable or not read, {Mismatches.Count} mismatches";
    }
}
