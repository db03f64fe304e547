namespace Cds.Service.Tests.Telemetry;

/// <summary>What must never leave the service in logs, traces or metrics: the sample patient's data and the tokens.</summary>
internal static class TelemetryPrivacy
{
    /// <summary>From samples/order-sign-meets-criteria.json: name, MRN, birth date, patient id, subscriber id, FHIR token.</summary>
    public static readonly IReadOnlyList<string> Phi =
    [
        "Okafor", "Adaeze", "MRN-448291", "1971-06-14", "pat-dli-001", "RGN884120033", "sample-access-token",
    ];

    /// <summary>The sample's hook instance, the correlation id that must be there.</summary>
    public const string HookInstance = "d1577c69-dfbe-44ad-ba6d-3e05e953b2ea";

    public static IEnumerable<string> Leaks(string text) => Phi.Where(p => text.Contains(p, StringComparison.Ordinal));
}
