using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;

namespace Cds.PolicyTool;

/// <summary>
/// Decides an input the way the service's hook flow does, step for step: every order must name the patient (else
/// 400), only the orders the policy governs are decided (on order-select, only the selected ones), another patient's
/// Coverage is a 400, and each decision comes from the shared <see cref="RecordDecider"/>.
/// </summary>
internal static class Decide
{
    /// <summary>What the service decides with the patient's Coverage, which this tool does not (payer configuration, the EHR's Organizations).</summary>
    public const string CoverageNote =
        "Coverage is outside this tool: the service writes the decision on this payer's active Coverage whose period contains the order's date "
        + "(payer identifiers and names are its configuration) and answers 400 instead when none qualifies.";

    public static ToolAnswer Run(PolicyDefinition policy, ReviewInput input, DateOnly? today)
    {
        ArgumentNullException.ThrowIfNull(input);
        TimeProvider clock = today is { } day ? new FixedClock(day) : TimeProvider.System;
        var asOf = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var decider = new RecordDecider(policy, clock);
        var notes = input.Notes.ToList();

        // An order is only ever decided for the patient it names.
        if (input.Orders.FirstOrDefault(o => !o.IsFor(input.PatientId)) is { } foreign)
        {
            return Rejected(new Rejection(400, $"Draft order {foreign.Reference} does not name context.patientId as its subject (the order needs \"subject\": {{\"reference\": \"Patient/{input.PatientId}\"}})."));
        }

        var inScope = input.Orders
            .Where(decider.Governs)
            .Where(o => input.Hook != ReviewInput.OrderSelect || input.Selections.Contains(o.Reference, StringComparer.Ordinal))
            .ToList();
        var ungoverned = input.Orders.Where(o => !decider.Governs(o)).Select(o => o.Reference).ToList();
        if (inScope.Count == 0)
        {
            return new ToolAnswer(asOf, null, [], ungoverned, [], [], notes);
        }

        var read = decider.Read(input.Items, input.PatientId, []);
        if (read.ForeignCoverage is { } coverage)
        {
            return Rejected(new Rejection(400, $"{coverage} does not name context.patientId as its beneficiary."), read);
        }

        notes.Add(CoverageNote);
        var decisions = inScope.Select(o => decider.Decide(read.Facts, o)).ToList();
        return new ToolAnswer(asOf, null, decisions, ungoverned, read.NotThisPatient, read.Unreadable, notes);

        ToolAnswer Rejected(Rejection rejection, RecordRead? read = null) =>
            new(asOf, rejection, [], [], read?.NotThisPatient ?? [], read?.Unreadable ?? [], notes);
    }
}
