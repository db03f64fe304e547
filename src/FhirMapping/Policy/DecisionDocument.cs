namespace Cds.FhirMapping.Policy;

/// <summary>
/// The policy's decision as declared in its file: a tree of criteria (combinators over child ids, leaves naming an
/// evaluator) and the ordered outcome rules. <c>Evaluation.PolicyEvaluator</c> evaluates it; no decision is in C#.
/// </summary>
public sealed record DecisionDocument
{
    /// <summary>
    /// The nodes, leaves in the order they are evaluated (a module leaf may read what an earlier one found, e.g. the
    /// transplant date). A node with a text under <c>criteria</c> is reported; the others are internal combinators.
    /// </summary>
    public required IReadOnlyList<NodeDocument> Tree { get; init; }

    /// <summary>The outcome rules, first match wins; each fires only on criteria that are met or not met, never on unknown ones.</summary>
    public required IReadOnlyList<OutcomeRuleDocument> Outcomes { get; init; }

    /// <summary>When no rule fires: the answer is always "cannot be determined" (conditional), naming what to check.</summary>
    public required OtherwiseDocument Otherwise { get; init; }
}

/// <summary>One node: exactly one of <see cref="All"/>, <see cref="Any"/>, <see cref="Not"/> or <see cref="Evaluator"/>.</summary>
public sealed record NodeDocument
{
    public required string Id { get; init; }

    /// <summary>Met when every child is met; not met when one is not met; otherwise unknown.</summary>
    public IReadOnlyList<string>? All { get; init; }

    /// <summary>Met when one child is met; not met when every child is not met; otherwise unknown.</summary>
    public IReadOnlyList<string>? Any { get; init; }

    /// <summary>Met when the child is not met, not met when it is met; unknown stays unknown.</summary>
    public string? Not { get; init; }

    /// <summary>A leaf: a generic evaluator (<c>coded-record</c>, <c>observation-value</c>) or a module's (<c>dli.priorAllogeneicHct</c>).</summary>
    public string? Evaluator { get; init; }

    /// <summary>
    /// A leaf decided by the latest record (a status, a lab value): with data missing in a type it reads, it is not
    /// decided at all (the newest record may be the missing one), not only not decided against the patient.
    /// </summary>
    public bool LatestRecordDecides { get; init; }

    /// <summary>Generic leaves: the resource type read (<c>Condition</c>, <c>Procedure</c>, <c>Observation</c>).</summary>
    public string? Resource { get; init; }

    /// <summary>Generic leaves: the value set (under <c>valueSets</c>) of the record's code.</summary>
    public string? ValueSet { get; init; }

    /// <summary><c>observation-value</c>: met when the latest value is at least this (give this or <see cref="Below"/>).</summary>
    public decimal? AtLeast { get; init; }

    /// <summary><c>observation-value</c>: met when the latest value is below this.</summary>
    public decimal? Below { get; init; }

    /// <summary><c>observation-value</c>: the UCUM unit the value must be in (another unit is for review, never converted).</summary>
    public string? Unit { get; init; }

    /// <summary>
    /// Generic leaves: what no record at all means: <c>unknown</c> (missing data, the default) or <c>not-met</c> (for an
    /// exclusion such as "no contraindication on record", the way the policy reads an exclusion).
    /// </summary>
    public string? Absent { get; init; }

    /// <summary>True when the file says no record at all means "not met".</summary>
    public bool AbsentIsNotMet => Absent == "not-met";

    /// <summary>The child ids of a combinator (none for a leaf).</summary>
    public IReadOnlyList<string> Children => All ?? Any ?? (Not is null ? [] : [Not]);
}

/// <summary>One outcome rule: when every criterion of <see cref="Met"/> is met and every one of <see cref="NotMet"/> is not met.</summary>
public sealed record OutcomeRuleDocument
{
    // The generated reader leaves an absent init-only list null (no initializer runs): read them through When*.
    public IReadOnlyList<string>? Met { get; init; }

    public IReadOnlyList<string>? NotMet { get; init; }

    /// <summary>The criteria that must be met (none when the key is absent).</summary>
    public IReadOnlyList<string> WhenMet => Met ?? [];

    /// <summary>The criteria that must be not met (none when the key is absent).</summary>
    public IReadOnlyList<string> WhenNotMet => NotMet ?? [];

    /// <summary><c>meets-criteria</c>, <c>not-medically-necessary</c> or <c>investigational</c>.</summary>
    public required string Outcome { get; init; }

    /// <summary>The criterion the answer names as deciding.</summary>
    public required string Deciding { get; init; }

    /// <summary>The reason, with <c>{label}</c>, <c>{summary}</c>, <c>{notMet}</c> and <c>{children}</c> of the deciding criterion.</summary>
    public required string Reason { get; init; }
}

/// <summary>The answer when no rule fires: cannot be determined.</summary>
public sealed record OtherwiseDocument
{
    public required string Deciding { get; init; }

    /// <summary>The reason, with <c>{undetermined}</c>: what is missing and what needs review.</summary>
    public required string Reason { get; init; }
}

/// <summary>The combinator the meets-criteria rule decides on, in the shape of the former <c>rule</c> key (for display).</summary>
public sealed record RuleDocument
{
    public required string Id { get; init; }
    public required string Combinator { get; init; }
    public required IReadOnlyList<string> Of { get; init; }
}
