namespace Cds.FhirMapping.Policy;

/// <summary>An order a card may propose, with the code system resolved to its canonical URI.</summary>
public sealed record OrderSuggestion(string Criterion, string Label, string System, string Code, string Display);

/// <summary>One override reason as CDS Hooks codes it (system, code, display).</summary>
public sealed record OverrideReason(string System, string Code, string Display);

/// <summary>
/// What the policy file says cards may offer beyond the decision: orders to suggest for an unknown criterion, and the
/// override reasons. Checked when the policy is loaded: an unknown criterion or code system is a start-up error.
/// </summary>
public sealed class CardGuidance
{
    public CardGuidance(PolicyDefinition policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var document = policy.Document;
        OrderSuggestions = [.. document.OrderSuggestions.Select(s =>
        {
            _ = policy.Criterion(s.Criterion);
            var uri = document.Systems.TryGetValue(s.System, out var uris) && uris.Count > 0
                ? uris[0]
                : throw new InvalidOperationException($"The order suggestion '{s.Label}' uses the code system '{s.System}', which the policy file does not define under 'systems'.");
            return new OrderSuggestion(s.Criterion, s.Label, uri, s.Code, s.Display);
        })];
        OverrideReasons = document.OverrideReasons is { } reasons
            ? [.. reasons.Reasons.Select(r => new OverrideReason(reasons.System, r.Code, r.Display))]
            : [];
    }

    public IReadOnlyList<OrderSuggestion> OrderSuggestions { get; }

    public IReadOnlyList<OverrideReason> OverrideReasons { get; }

    /// <summary>The orders to suggest while <paramref name="criterion"/> is unknown.</summary>
    public IEnumerable<OrderSuggestion> For(string criterion) => OrderSuggestions.Where(s => s.Criterion == criterion);
}
