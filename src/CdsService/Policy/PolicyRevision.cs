using System.Globalization;

namespace Cds.Service.Policy;

/// <summary>
/// Which revision of which policy made a decision: the file's <c>id</c>, <c>version</c> and <c>effective</c> date, the
/// SHA-256 of the file's bytes as loaded, and the file's name (never its directory).
/// </summary>
internal sealed record PolicyRevision(string Id, string Version, DateOnly Effective, DateOnly? ReviewDue, string Sha256, string Source)
{
    /// <summary>The effective date as the policy file writes it (yyyy-MM-dd).</summary>
    public string EffectiveText => Effective.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>The revision in a few characters, for log lines: <c>dli-45.03 2024.1 (2024-12-01, sha256 1a2b3c4d)</c>.</summary>
    public override string ToString() => $"{Id} {Version} ({EffectiveText}, sha256 {Sha256[..Math.Min(12, Sha256.Length)]})";

    /// <summary>Whether the policy's next review date has passed on <paramref name="today"/>.</summary>
    public bool ReviewOverdue(DateOnly today) => ReviewDue is { } due && today > due;
}
