using System.Text.Json;
using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;
using Cds.FhirMapping.Policy;
using Cds.FhirMapping.Tests.Facts.Reference;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// The relevance filter's verdict on an Observation (issue #14, sixth round: its words are scanned in a pooled buffer,
/// <c>JsonWords</c>, instead of a string joined from them) is the former filter's (<see cref="ReferenceFactExtractor"/>:
/// <c>string.Join(" ", …)</c> of code.text and each coding's display), over every Observation the repository holds, their
/// malformed variants, and words written so that only the exact joined text decides: a pattern that spans two words, a
/// word boundary between them, escaped and non-ASCII characters, more words than the first buffer holds.
/// </summary>
public sealed class ObservationScreenTests(ITestOutputHelper output)
{
    private static readonly PolicyDefinition Policy = PolicyFiles.LoadDefault();
    private static readonly FactExtractor Shipped = new(Policy);
    private static readonly ReferenceFactExtractor Former = new(Policy);

    [Fact]
    public void GivenEveryObservationAndItsVariants_WhenScreened_ThenTheVerdictIsTheFormerFilters()
    {
        // Arrange
        var observations = FactCorpus.Resources().Concat(FactCorpus.Variants(400))
            .SelectMany(i => i.Items)
            .Where(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("resourceType", out var t) && t.ValueKind == JsonValueKind.String && t.ValueEquals("Observation"))
            .ToList();

        // Act
        var verdicts = observations.Select(o => (Shipped: Shipped.IsRelevant("Observation", o), Former: Former.IsRelevant("Observation", o), Json: o)).ToList();

        // Assert
        var differ = verdicts.Where(v => v.Shipped != v.Former).ToList();
        output.WriteLine($"{verdicts.Count} observations, {verdicts.Count(v => v.Former)} relevant, {differ.Count} differ");
        Assert.True(differ.Count == 0, string.Join('\n', differ.Take(5).Select(d => $"shipped {d.Shipped}, former {d.Former}: {d.Json.GetRawText()}")));
        Assert.True(verdicts.Count >= 1000, $"only {verdicts.Count} observations");
        Assert.True(verdicts.Count(v => v.Former) >= 100 && verdicts.Count(v => !v.Former) >= 100, "too few of one verdict to compare");
    }

    [Theory]
    [InlineData("\"Percent donor\"", "\"cells\"")]                 // "donor (cells|DNA|fraction)" only across the two words
    [InlineData("\"STR\"", "\"analysis\"")]                        // \bSTR\b needs the space between them
    [InlineData("\"Percent donorcells\"", null)]                   // no pattern without the space
    [InlineData("\"XY\\u002DFISH\"", null)]                        // an escape: "XY-FISH"
    [InlineData("\"Chim\\u00e9rism\"", "\"donneur\"")]            // an escaped non-ASCII letter: "Chimérism"
    [InlineData("\"Chimérisme\"", "\"donneur\"")]                  // non-ASCII as UTF-8
    [InlineData("\"Hemoglobin [Mass/volume] in Blood\"", "\"Hemoglobin\"")]
    [InlineData("\"\"", "\"\"")]                                   // empty words still joined by a space
    [InlineData(null, "\"engraftment\"")]
    [InlineData(null, "\"engraftment analysis\"")]
    [InlineData("\"engraftment\"", "\"analysis\"")]
    [InlineData("3", "\"chimerism\"")]                             // a text that is no string is not a word
    public void GivenAnObservationsWords_WhenScreened_ThenTheVerdictIsTheFormerFilters(string? text, string? display)
    {
        // Arrange: the same words also behind a long text (more than the first buffer holds) and a second display.
        var padding = JsonSerializer.Serialize(new string('x', 300));
        var shapes = new List<string>
        {
            Observation(text, display is null ? [] : [display]),
            Observation(text, display is null ? ["\"first\""] : ["\"first\"", display]),
            Observation(padding, display is null ? [text ?? "\"\""] : [display, text ?? "\"\""]),
        };

        foreach (var shape in shapes)
        {
            using var document = JsonDocument.Parse(shape);

            // Act
            var shipped = Shipped.IsRelevant("Observation", document.RootElement);
            var former = Former.IsRelevant("Observation", document.RootElement);

            // Assert
            Assert.True(shipped == former, $"shipped {shipped}, former {former}: {shape}");
        }
    }

    [Fact]
    public void GivenWordsThatMatchOnlyJoinedBySpace_WhenScreened_ThenTheyAreRelevant()
    {
        // Arrange: neither word matches alone; "Percent donor cells" does (the words are read as one text).
        using var document = JsonDocument.Parse(Observation("\"Percent donor\"", ["\"cells\""]));
        using var alone = JsonDocument.Parse(Observation("\"Percent donor\"", []));

        // Act / Assert
        Assert.True(Shipped.IsRelevant("Observation", document.RootElement));
        Assert.False(Shipped.IsRelevant("Observation", alone.RootElement));
    }

    private static string Observation(string? text, IReadOnlyList<string> displays)
    {
        var codings = string.Join(',', displays.Select(d => "{\"system\":\"http://example.org/local-lab\",\"code\":\"L1\",\"display\":" + d + "}"));
        var textPart = text is null ? string.Empty : "\"text\":" + text + ",";
        return "{\"resourceType\":\"Observation\",\"id\":\"o1\",\"status\":\"final\",\"subject\":{\"reference\":\"Patient/p1\"},\"code\":{" + textPart + "\"coding\":[" + codings + "]}}";
    }
}
