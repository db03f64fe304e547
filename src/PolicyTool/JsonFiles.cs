using System.Text.Json;

namespace Cds.PolicyTool;

/// <summary>Reads the JSON files the tool is given, strictly (duplicate keys are an error, as in the service) and with the file named in every error.</summary>
internal static class JsonFiles
{
    private static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false, MaxDepth = 64 };

    public static JsonElement Read(string path, string what)
    {
        if (!File.Exists(path))
        {
            throw new ToolInputException($"{what} not found: {path}");
        }

        try
        {
            using var stream = File.OpenRead(path);
            using var document = JsonDocument.Parse(stream, Strict);
            return document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            throw new ToolInputException($"{what} {path} is not valid JSON: {e.Message}", e);
        }
        catch (IOException e)
        {
            throw new ToolInputException($"{what} {path} cannot be read: {e.Message}", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new ToolInputException($"{what} {path} cannot be read: {e.Message}", e);
        }
    }

    /// <summary>The resourceType of a FHIR resource in JSON, or null.</summary>
    public static string? ResourceType(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("resourceType", out var type) && type.ValueKind == JsonValueKind.String
            ? type.GetString()
            : null;
}
