using System.Globalization;
using System.Text.Json.Nodes;
using Cds.FhirMapping.Dtr;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests.Dtr;

/// <summary>Builds a QuestionnaireResponse to the policy's questionnaire, as a DTR client would post it (flat items suffice: the reader finds answers by linkId).</summary>
internal sealed class Answers(string patientId, string id = "qr-1")
{
    private readonly JsonArray _items = [];

    public string Status { get; init; } = "completed";

    public string Questionnaire { get; init; } = "https://cds.example.org/fhir/Questionnaire/dli-45.03|2024-12-01";

    public string Authored { get; init; } = "2026-11-25T09:00:00-08:00";

    public Answers Boolean(string linkId, bool value) => Add(linkId, "valueBoolean", value);

    public Answers Date(string linkId, string value) => Add(linkId, "valueDate", value);

    public Answers Decimal(string linkId, decimal value) => Add(linkId, "valueDecimal", JsonValue.Create(value));

    public Answers Code(string linkId, string code) => Add(linkId, "valueCoding", new JsonObject { ["system"] = DtrItems.AnswerSystem(Dli.Policy.Id), ["code"] = code });

    public Answers Text(string linkId, string value) => Add(linkId, "valueString", value);

    public JsonObject Build() => new()
    {
        ["resourceType"] = "QuestionnaireResponse",
        ["id"] = id,
        ["questionnaire"] = Questionnaire,
        ["status"] = Status,
        ["subject"] = new JsonObject { ["reference"] = $"Patient/{patientId}" },
        ["authored"] = Authored,
        ["author"] = new JsonObject { ["reference"] = "Practitioner/dli4503-practitioner-raman" },
        ["item"] = _items.DeepClone(),
    };

    private Answers Add(string linkId, string valueName, JsonNode? value)
    {
        _items.Add(new JsonObject { ["linkId"] = linkId, ["answer"] = new JsonArray(new JsonObject { [valueName] = value }) });
        return this;
    }

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
