namespace Cds.FhirMapping.Facts;

/// <summary>
/// One piece of evidence: which resource said what, how, when and how firmly. <see cref="Code"/> is the coding that
/// matched (or null when text matched), <see cref="Value"/> a short human-readable value (a status, a percentage, the
/// matched phrase), <see cref="Date"/> the first day of <see cref="When"/>.
/// </summary>
public sealed record Evidence(
    string ResourceType,
    string? Id,
    string? System,
    string? Code,
    string? Display,
    DateOnly? Date,
    string? Value)
{
    /// <summary>What kind of record element said it (precedence: code, structured value, order text, clinical text).</summary>
    public SourceKind Source { get; init; } = SourceKind.Code;

    /// <summary>How firmly it was said (confirmed, tentative, negated, historical, hypothetical, family).</summary>
    public Certainty Certainty { get; init; } = Certainty.Confirmed;

    /// <summary>When the record says it happened, with its precision (null: undated).</summary>
    public EffectiveTime? When { get; init; }

    /// <summary>Who attested it (a clinician's answer: the QuestionnaireResponse's author reference); null for chart records.</summary>
    public string? Attester { get; init; }

    /// <summary>A relative reference such as <c>Condition/123</c>.</summary>
    public string Reference => Id is null ? ResourceType : $"{ResourceType}/{Id}";

    /// <summary>True when only words (not a code or a structured value) say it.</summary>
    public bool IsTextOnly => Source is SourceKind.OrderText or SourceKind.ClinicalText;
}
