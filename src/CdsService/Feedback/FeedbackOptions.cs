using System.ComponentModel.DataAnnotations;

namespace Cds.Service.Feedback;

/// <summary>Limits of a feedback post (section <c>Cds:Feedback</c>).</summary>
internal sealed class FeedbackOptions
{
    public const string SectionName = "Cds:Feedback";

    /// <summary>Largest feedback body (413 above).</summary>
    [Range(1024, 64 * 1024 * 1024)]
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most items in one post (422 above): an EHR sends one per card acted on.</summary>
    [Range(1, 100_000)]
    public int MaxItems { get; set; } = 100;

    /// <summary>Largest single item, as JSON (422 above).</summary>
    [Range(256, 16 * 1024 * 1024)]
    public int MaxItemBytes { get; set; } = 16 * 1024;

    /// <summary>Longest card id (<c>card</c>, the card's uuid) accepted.</summary>
    [Range(36, 4096)]
    public int MaxCardIdLength { get; set; } = 128;
}
