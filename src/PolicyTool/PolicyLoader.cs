using Cds.FhirMapping.Engine;
using Cds.FhirMapping.Policy;

namespace Cds.PolicyTool;

/// <summary>The policy to decide with: a file (validated exactly as the service validates it at start-up), or the embedded 45.03.</summary>
internal static class PolicyLoader
{
    public static PolicyDefinition Load(string? path)
    {
        if (path is null)
        {
            return PolicyFiles.LoadDefault();
        }

        if (!File.Exists(path))
        {
            throw new ToolInputException($"policy file not found: {path}");
        }

        try
        {
            return PolicyFiles.LoadFile(path);
        }
        catch (PolicyFileException e)
        {
            throw new ToolInputException($"policy file {path}: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ToolInputException($"policy file {path} cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ToolInputException($"policy file {path} cannot be read: {e.Message}", e);
        }
    }
}
