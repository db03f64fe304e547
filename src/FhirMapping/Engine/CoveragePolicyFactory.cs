using Cds.FhirMapping.Evaluation;
using Cds.FhirMapping.Modules.Dli;
using Cds.FhirMapping.Modules.Generic;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Engine;

/// <summary>Makes the coverage policy a loaded policy file names with its <c>module</c> key.</summary>
public static class CoveragePolicyFactory
{
    /// <summary>The module of a policy decided by the generic readers and evaluators alone (no C# of its own).</summary>
    public const string Generic = "generic";

    /// <summary>Every module a policy file may name.</summary>
    public static IReadOnlyList<string> Modules { get; } = [Generic, DliModule.Name];

    public static ICoveragePolicy Create(PolicyDefinition definition, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(timeProvider);
        return definition.Module switch
        {
            DliModule.Name => new DliPolicy(definition, timeProvider),
            Generic => new GenericPolicy(definition, timeProvider),

            // The validator refuses any other name at load; this is the guard behind it.
            _ => throw new PolicyFileException($"module '{definition.Module}' is not one of {string.Join(", ", Modules)}"),
        };
    }
}
