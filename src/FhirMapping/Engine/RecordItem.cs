using System.Text.Json;

namespace Cds.FhirMapping.Engine;

/// <summary>A resource or Bundle of the patient's record and the key it came under (a prefetch key, or the tool's source name).</summary>
public sealed record RecordItem(string Key, JsonElement Item);
