using System.Text.Json.Nodes;
using Cds.FhirMapping.Crd;

namespace Cds.FhirMapping.Dtr;

/// <summary>Points a CRD coverage-information at the DTR questionnaire (its <c>questionnaire</c> sub-extension).</summary>
public static class QuestionnairePointer
{
    /// <summary>
    /// Adds the questionnaire canonical to every coverage-information extension of the annotated order when the
    /// assertion asks for documentation (CRD crd-ci-q1: a questionnaire needs doc-needed); otherwise leaves it alone.
    /// </summary>
    public static JsonObject Add(JsonObject annotatedOrder, CoverageAssertion assertion, string canonical)
    {
        ArgumentNullException.ThrowIfNull(annotatedOrder);
        ArgumentNullException.ThrowIfNull(assertion);
        if (assertion.DocNeeded is null || annotatedOrder["extension"] is not JsonArray extensions)
        {
            return annotatedOrder;
        }

        foreach (var extension in extensions.OfType<JsonObject>())
        {
            if (extension["url"]?.GetValue<string>() == CoverageAssertion.Extension && extension["extension"] is JsonArray parts)
            {
                parts.Add(new JsonObject { ["url"] = "questionnaire", ["valueCanonical"] = canonical });
            }
        }

        return annotatedOrder;
    }
}
