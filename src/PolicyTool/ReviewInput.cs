using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Fhir;

namespace Cds.PolicyTool;

/// <summary>
/// What one decision is made from, however it was given: the patient, the record's items by key, the draft orders,
/// the selected orders (order-select) and what the reader of the output must know about how it was read.
/// </summary>
internal sealed record ReviewInput(
    string Hook,
    string PatientId,
    IReadOnlyList<RecordItem> Items,
    IReadOnlyList<DraftOrder> Orders,
    IReadOnlyList<string> Selections,
    IReadOnlyList<string> Notes)
{
    public const string OrderSign = "order-sign";

    public const string OrderSelect = "order-select";
}
