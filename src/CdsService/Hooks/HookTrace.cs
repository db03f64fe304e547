using Cds.FhirMapping.Crd;
using Cds.FhirMapping.Evaluation;
using Cds.Service.Contract;
using Cds.Service.Prefetch;

namespace Cds.Service.Hooks;

/// <summary>
/// The data of one hook call as the flow found it, carried on its <see cref="HookOutcome"/>: the request (once it was
/// well formed), every draft order, where the patient's data came from, each decision and assertion, and the time each
/// stage took. Holds no token.
/// </summary>
internal sealed record HookTrace
{
    public static readonly HookTrace Empty = new();

    public HookRequest? Request { get; init; }

    /// <summary>Every draft order of the request (<c>ServiceRequest/123</c>).</summary>
    public IReadOnlyList<string> Orders { get; init; } = [];

    public PatientData? Data { get; init; }

    /// <summary>Resources dropped because they do not reference the patient ("Type/id", never content).</summary>
    public IReadOnlyList<string> NotThisPatient { get; init; } = [];

    public IReadOnlyList<DecidedOrder> Decisions { get; init; } = [];

    /// <summary>Assertions issued for orders no loaded policy governs.</summary>
    public IReadOnlyList<UngovernedOrder> Ungoverned { get; init; } = [];

    /// <summary>Stages of the flow, in order, with their elapsed time.</summary>
    public IReadOnlyList<HookStage> Stages { get; init; } = [];

    public HookTrace Staged(string name, double milliseconds) => this with { Stages = [.. Stages, new HookStage(name, milliseconds)] };
}

/// <summary>
/// The decision for one order and the CRD coverage assertion issued for it; <see cref="Supersedes"/> is the assertion it
/// replaces and <see cref="Answers"/> the DTR answers it rests on (a decision after a questionnaire was completed).
/// </summary>
internal sealed record DecidedOrder(CoverageDecision Decision, CoverageAssertion Assertion)
{
    /// <summary>The policy revision that made the decision.</summary>
    public Policy.PolicyRevision? Policy { get; init; }

    public string? Supersedes { get; init; }

    public IReadOnlyList<string> Answers { get; init; } = [];
}

/// <summary>The CRD coverage assertion issued for an order no loaded policy governs.</summary>
internal sealed record UngovernedOrder(string OrderReference, CoverageAssertion Assertion);

/// <summary>One stage of a hook call and how long it took (Stopwatch, in ms).</summary>
internal sealed record HookStage(string Name, double Milliseconds);
