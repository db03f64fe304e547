using Cds.FhirMapping.Policy;

namespace Cds.Service.Policy;

/// <summary>
/// Where the policy files come from (<c>Cds:PolicyFolder</c>, else <c>Cds:PolicyFile</c>, else the embedded Medical
/// Policy 45.03) and reading them: every <c>*.json</c> directly in the folder except JSON Schemas (<c>*.schema.json</c>),
/// in file-name order, each file's bytes read once (its hash is of exactly what was loaded).
/// </summary>
internal sealed class PolicySource
{
    private PolicySource(string? folder, string? file)
    {
        Folder = folder;
        File = file;
    }

    /// <summary>The folder to watch for a reload; null for the embedded policy.</summary>
    public string? Folder { get; }

    /// <summary>Only this file of <see cref="Folder"/> (Cds:PolicyFile); null for every policy file of the folder.</summary>
    public string? File { get; }

    public bool Embedded => Folder is null;

    public static PolicySource From(CdsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.PolicyFolder))
        {
            if (!string.IsNullOrWhiteSpace(options.PolicyFile))
            {
                throw new PolicySetException("Cds:PolicyFolder and Cds:PolicyFile are both set; set one (a folder may hold a single file)");
            }

            return new PolicySource(Path.GetFullPath(options.PolicyFolder), null);
        }

        if (!string.IsNullOrWhiteSpace(options.PolicyFile))
        {
            var path = Path.GetFullPath(options.PolicyFile);
            return new PolicySource(Path.GetDirectoryName(path), Path.GetFileName(path));
        }

        return new PolicySource(null, null);
    }

    /// <summary>Whether a file event in the folder concerns the policies.</summary>
    public bool Concerns(string? name) =>
        name is not null && (File is null
            ? name.EndsWith(".json", StringComparison.OrdinalIgnoreCase) && !name.EndsWith(".schema.json", StringComparison.OrdinalIgnoreCase)
            : string.Equals(name, File, StringComparison.Ordinal));

    /// <summary>The files to load, by name, with their bytes; an unreadable folder or file throws <see cref="PolicySetException"/>.</summary>
    public IReadOnlyList<(string Name, byte[] Bytes)> Read()
    {
        if (Embedded)
        {
            using var stream = typeof(PolicyDefinition).Assembly.GetManifestResourceStream(PolicyDefinition.DefaultPolicyResource)
                ?? throw new PolicySetException($"the embedded policy '{PolicyDefinition.DefaultPolicyResource}' is missing");
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return [(PolicySet.EmbeddedSource, copy.ToArray())];
        }

        try
        {
            var names = File is not null
                ? [File]
                : Directory.EnumerateFiles(Folder!, "*.json", SearchOption.TopDirectoryOnly).Select(Path.GetFileName).OfType<string>().Where(Concerns).Order(StringComparer.Ordinal).ToList();
            return [.. names.Select(name => (name, System.IO.File.ReadAllBytes(Path.Combine(Folder!, name))))];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new PolicySetException($"the policy {(File is null ? $"folder {Folder}" : $"file {File}")} cannot be read: {e.Message}", e);
        }
    }
}
