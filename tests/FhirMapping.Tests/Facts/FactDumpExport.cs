namespace Cds.FhirMapping.Tests.Facts;

/// <summary>Writes every dump to <c>$FACT_DUMP_DIR</c> (records.txt, resources.txt, variants.txt) to diff two builds.</summary>
public sealed class FactDumpExport
{
    [Fact]
    public void Export()
    {
        var directory = Environment.GetEnvironmentVariable("FACT_DUMP_DIR");
        if (string.IsNullOrEmpty(directory))
        {
            Assert.Skip("FACT_DUMP_DIR is not set");
        }

        Directory.CreateDirectory(directory);
        var extractor = FactDumps.Extractor();
        File.WriteAllLines(Path.Combine(directory, "records.txt"), FactCorpus.Records().Select(i => FactDumps.Of(extractor, i)));
        File.WriteAllLines(Path.Combine(directory, "resources.txt"), FactCorpus.Resources().Select(i => FactDumps.Of(extractor, i)));
        File.WriteAllLines(Path.Combine(directory, "variants.txt"), FactCorpus.Variants(4000).Select(i => FactDumps.Of(extractor, i)));
    }
}
