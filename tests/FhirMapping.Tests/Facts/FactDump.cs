using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using Cds.FhirMapping.Facts;
using Cds.FhirMapping.Fhir;

namespace Cds.FhirMapping.Tests.Facts;

/// <summary>
/// What the fact extractor made of a record, as text: every field of every fact, in the order the extractor gave them
/// (the order is part of the answer: the evaluator reads "the latest", "the first"), with the record's own counts
/// (resources, skipped by the relevance filter, unreadable, not this patient's, gaps). Two dumps are equal exactly
/// when the facts are.
/// </summary>
internal static class FactDump
{
    private static readonly JsonSerializerOptions Options = new()
    {
        WriteIndented = false,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    /// <summary>The record's counts and its facts.</summary>
    public static string Of(ClinicalRecord record, ClinicalFacts facts)
    {
        var text = new StringBuilder();
        text.Append("count=").Append(record.Count)
            .Append(" skipped=").Append(record.Skipped)
            .Append(" unreadable=").Append(record.Unreadable)
            .Append(" notThisPatient=").AppendJoin(',', record.NotThisPatient)
            .Append(" recordGaps=").Append(JsonSerializer.Serialize(record.Gaps, Options))
            .Append('\n');
        return text.Append(Of(facts)).ToString();
    }

    /// <summary>The facts alone.</summary>
    public static string Of(ClinicalFacts facts) => JsonSerializer.Serialize(facts, Options);

    /// <summary>What the order says (genetic modification, its indication).</summary>
    public static string Of(OrderFacts facts) => JsonSerializer.Serialize(facts, Options);
}
