using System.ComponentModel.DataAnnotations;

namespace Cds.Service.Prefetch;

/// <summary>Limits for reading the EHR's FHIR server when prefetch is missing.</summary>
internal sealed class FhirOptions
{
    public const string SectionName = "Cds:Fhir";

    /// <summary>The whole hook's budget for FHIR queries; well under CRD's 5 seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan HookBudget { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>One HTTP request's time limit.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:00:10")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many search pages (Bundle.link next) are followed per query.</summary>
    [Range(1, 100)]
    public int MaxPages { get; set; } = 10;

    /// <summary>Largest response body read from the FHIR server, in bytes.</summary>
    [Range(1024, 256 * 1024 * 1024)]
    public int MaxResponseBytes { get; set; } = 16 * 1024 * 1024;
}
