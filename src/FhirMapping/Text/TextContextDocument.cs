namespace Cds.FhirMapping.Text;

/// <summary>
/// The lexicon of the context-aware text reader (<see cref="TextEvidence"/>), under <c>textContext</c> in the policy
/// file. Every term is a case-insensitive regular-expression fragment; a term that begins or ends with a letter or digit
/// only matches on a word boundary there (so <c>no</c> never matches inside "known", while <c>non-</c> matches the prefix
/// of "non-T-cell-depleted").
/// </summary>
public sealed record TextContextDocument
{
    public string? Description { get; init; }

    /// <summary>How many words a trigger's scope reaches, at most, before the sentence or a termination term ends it.</summary>
    public required int WindowWords { get; init; }

    /// <summary>Which category wins when several apply to one phrase (all five, strongest first).</summary>
    public required IReadOnlyList<string> Precedence { get; init; }

    /// <summary>Where a sentence ends (regular expressions): every scope stops there.</summary>
    public required IReadOnlyList<string> SentenceEnds { get; init; }

    /// <summary>Words that end a clause ("but", "however", "now", ";"): every scope stops there.</summary>
    public required IReadOnlyList<string> Terminations { get; init; }

    /// <summary>
    /// Words that may or may not end a clause ("," "and" "with"): a negation that reaches a phrase across one, and a
    /// backward trigger or an answer that does, make it only tentative ("No GVHD, HSV-TK cells").
    /// </summary>
    public required IReadOnlyList<string> SoftBoundaries { get; init; }

    /// <summary>Phrases that contain a trigger but are not one ("no increase", "gram negative", "negative selection").</summary>
    public required IReadOnlyList<string> PseudoTriggers { get; init; }

    public required IReadOnlyList<TriggerDocument> Triggers { get; init; }

    /// <summary>What separates a question or a label from its answer ("?", "?:", ":", " - ", "=").</summary>
    public required IReadOnlyList<string> AnswerSeparators { get; init; }

    /// <summary>Answers that change the meaning of the question or label before them ("No", "N", "none", "declined").</summary>
    public required IReadOnlyList<AnswerDocument> Answers { get; init; }
}

/// <summary>A trigger term: its category (negated, historical, hypothetical, tentative, family) and direction.</summary>
public sealed record TriggerDocument
{
    public required string Term { get; init; }
    public required string Category { get; init; }

    /// <summary><c>forward</c> (scope after the term), <c>backward</c> (before it) or <c>both</c>.</summary>
    public required string Direction { get; init; }
}

/// <summary>An answer term and the category it gives the question or label it answers.</summary>
public sealed record AnswerDocument
{
    public required string Term { get; init; }
    public required string Category { get; init; }
}
