namespace Cds.FhirMapping.Modules.Dli;

/// <summary>The DLI module's name in a policy file (<c>"module": "dli"</c>).</summary>
public static class DliModule
{
    public const string Name = "dli";
}
