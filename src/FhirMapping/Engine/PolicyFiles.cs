using Cds.FhirMapping.Modules.Dli;
using Cds.FhirMapping.Policy;

namespace Cds.FhirMapping.Engine;

/// <summary>
/// Loads a policy file: reads it, checks every section (<see cref="PolicyFileValidator"/>) and the decision against the
/// evaluators the modules offer (<see cref="DecisionValidator"/>), and compiles it. A policy file with a typo fails at
/// start-up, not on the first patient: every problem at once, in one <see cref="PolicyFileException"/>.
/// </summary>
public static class PolicyFiles
{
    /// <summary>Loads the embedded Medical Policy 45.03.</summary>
    public static PolicyDefinition LoadDefault()
    {
        using var stream = typeof(PolicyDefinition).Assembly.GetManifestResourceStream(PolicyDefinition.DefaultPolicyResource)
            ?? throw new InvalidOperationException($"Embedded policy '{PolicyDefinition.DefaultPolicyResource}' is missing.");
        return Load(stream);
    }

    /// <summary>Loads a policy file (for a revised policy without a rebuild).</summary>
    public static PolicyDefinition LoadFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Load(stream);
    }

    /// <summary>Reads and checks a policy file; a problem throws <see cref="PolicyFileException"/> naming its key.</summary>
    public static PolicyDefinition Load(Stream json)
    {
        var document = PolicyDefinition.Read(json);
        var problems = new List<string>();
        PolicyFileValidator.Validate(document, document.Module == DliModule.Name, problems);
        DecisionValidator.Validate(document, problems);
        if (problems.Count > 0)
        {
            throw new PolicyFileException(problems);
        }

        return PolicyDefinition.Compile(document);
    }
}
