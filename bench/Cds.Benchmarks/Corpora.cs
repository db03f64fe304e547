using System.Text.Json;
using Cds.Bench.Corpus;

namespace Cds.Bench.Micro;

/// <summary>The benchmarks' patients: the same generator, seed and sizes as <c>bench/run.sh</c>'s end-to-end corpora.</summary>
internal static class Corpora
{
    public const int Seed = 4503;

    /// <summary>Resources in prefetch of the named patients (run.sh: typical=50 heavy=2000, nondli = typical with a CBC order).</summary>
    public static int Size(string patient) => patient switch
    {
        "typical" or "nondli" => 50,
        "heavy" => 2000,
        _ => throw new ArgumentOutOfRangeException(nameof(patient), patient, "typical, nondli or heavy"),
    };

    /// <summary>The named patient's request body as run.sh writes it (nondli: typical's request, the order a CBC).</summary>
    public static byte[] RequestBody(string patient) => patient == "nondli"
        ? JsonSerializer.SerializeToUtf8Bytes(PatientRecord.WithNonPolicyOrder(PatientRecord.HookRequest("typical", Size("typical"), Seed)))
        : RequestBody(patient, Size(patient));

    /// <summary>The order-sign request body, as the EHR sends it.</summary>
    public static byte[] RequestBody(string name, int resources) =>
        JsonSerializer.SerializeToUtf8Bytes(PatientRecord.HookRequest(name, resources, Seed));

    /// <summary>The request, parsed and detached from its buffer (no document to dispose).</summary>
    public static JsonElement Request(string name, int resources)
    {
        using var document = JsonDocument.Parse(RequestBody(name, resources));
        return document.RootElement.Clone();
    }

    /// <summary>The request's <c>context.patientId</c>.</summary>
    public static string PatientId(JsonElement request) => request.GetProperty("context").GetProperty("patientId").GetString()!;

    /// <summary>The values of the request's prefetch keys (the searchset Bundles and the Patient).</summary>
    public static List<JsonElement> Prefetch(JsonElement request) =>
        [.. request.GetProperty("prefetch").EnumerateObject().Select(p => p.Value)];
}
