namespace Cds.FhirMapping.Coverages;

/// <summary>How a payer party relates to the payer this service answers for.</summary>
public enum PayerMatch
{
    /// <summary>An identifier of ours, or (without any identifier) a name of ours.</summary>
    Ours,

    /// <summary>Identified, and not us.</summary>
    Other,

    /// <summary>Nothing to tell: a reference that could not be resolved, without identifier or display.</summary>
    Unknown,
}

/// <summary>
/// The payer this service answers for: its identifiers (<c>system|value</c>, or a bare value for any system) and its
/// names. An identifier decides when the record has one in a system we have one in (same value: ours; another value:
/// another payer); otherwise the names decide.
/// Names match whole words from the start: "Regence" matches "Regence BlueShield", not "Not Regence".
/// </summary>
public sealed class PayerIdentity
{
    private readonly IReadOnlyList<PayerIdentifier> _identifiers;
    private readonly IReadOnlyList<string> _names;

    public PayerIdentity(IEnumerable<string> identifiers, IEnumerable<string> names)
    {
        ArgumentNullException.ThrowIfNull(identifiers);
        ArgumentNullException.ThrowIfNull(names);
        _identifiers = [.. identifiers.Where(i => !string.IsNullOrWhiteSpace(i)).Select(ParseIdentifier)];
        _names = [.. names.Select(Normalize).Where(n => n.Length > 0).Distinct(StringComparer.Ordinal)];
        if (_identifiers.Count == 0 && _names.Count == 0)
        {
            throw new ArgumentException("The payer needs at least one identifier or name.", nameof(names));
        }
    }

    /// <summary>The names, for messages.</summary>
    public IReadOnlyList<string> Names => _names;

    public PayerMatch Match(PayerParty party)
    {
        ArgumentNullException.ThrowIfNull(party);
        // An identifier decides when it is comparable: in a system we have an identifier in (or we gave a bare value).
        var comparable = party.Identifiers.Where(i => _identifiers.Any(ours => ours.System is null || string.Equals(ours.System, i.System?.Trim(), StringComparison.Ordinal))).ToList();
        if (comparable.Count > 0)
        {
            return comparable.Any(IsOurs) ? PayerMatch.Ours : PayerMatch.Other;
        }

        if (party.Names.Count > 0)
        {
            return party.Names.Select(Normalize).Any(name => _names.Any(ours => name == ours || name.StartsWith(ours + " ", StringComparison.Ordinal)))
                ? PayerMatch.Ours
                : PayerMatch.Other;
        }

        return PayerMatch.Unknown;
    }

    private bool IsOurs(PayerIdentifier identifier) =>
        _identifiers.Any(ours => string.Equals(ours.Value, identifier.Value.Trim(), StringComparison.Ordinal)
            && (ours.System is null || string.Equals(ours.System, identifier.System?.Trim(), StringComparison.Ordinal)));

    private static PayerIdentifier ParseIdentifier(string text)
    {
        var bar = text.LastIndexOf('|');
        return bar < 0 ? new PayerIdentifier(null, text.Trim()) : new PayerIdentifier(text[..bar].Trim() is { Length: > 0 } s ? s : null, text[(bar + 1)..].Trim());
    }

    // Lower case, punctuation to spaces, one space between words: "Regence  BlueShield, Inc." -> "regence blueshield inc".
    private static string Normalize(string name) =>
        string.Join(' ', new string([.. name.Select(c => char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ')]).Split(' ', StringSplitOptions.RemoveEmptyEntries));
}
