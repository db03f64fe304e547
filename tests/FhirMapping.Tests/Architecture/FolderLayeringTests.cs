using System.Text.RegularExpressions;
using Cds.FhirMapping.Tests.Fixtures;

namespace Cds.FhirMapping.Tests.Architecture;

/// <summary>
/// The house rule "no folder that imports its importer", checked on the source: within a project, the top folders'
/// <c>using</c> directives of each other's namespaces form no cycle, of any length.
/// </summary>
public sealed partial class FolderLayeringTests
{
    [Theory]
    [InlineData("src/FhirMapping", "Cds.FhirMapping")]
    [InlineData("src/CdsService", "Cds.Service")]
    public void GivenAProject_WhenItsFoldersImportsAreRead_ThenNoFolderImportsItsImporter(string project, string rootNamespace)
    {
        var imports = Imports(Path.Combine(RepositoryRoot.Path, project), rootNamespace);

        Assert.Empty(Cycles(imports));
    }

    [Fact]
    public void GivenTwoFoldersThatImportEachOtherOrThreeInARing_WhenTheCyclesAreFound_ThenEachIsNamed()
    {
        var imports = new Dictionary<string, HashSet<string>>
        {
            ["Hooks"] = ["Feedback", "Contract"],
            ["Feedback"] = ["Ledger"],
            ["Ledger"] = ["Hooks"],
            ["Dtr"] = ["Hooks"],
            ["Policy"] = ["Text"],
            ["Text"] = ["Policy"],
        };

        Assert.Equal(["Feedback -> Ledger -> Hooks -> Feedback", "Policy -> Text -> Policy"], Cycles(imports));
    }

    // Top folder → the other top folders whose namespaces its files import ("(root)" for files at the project's root).
    private static Dictionary<string, HashSet<string>> Imports(string projectPath, string rootNamespace)
    {
        var imports = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var directive = new Regex($@"^\s*(?:global\s+)?using\s+(?:static\s+)?{Regex.Escape(rootNamespace)}\.(\w+)", RegexOptions.Multiline | RegexOptions.CultureInvariant);
        foreach (var file in Directory.EnumerateFiles(projectPath, "*.cs", SearchOption.AllDirectories))
        {
            var relative = Path.GetRelativePath(projectPath, file);
            if (relative.StartsWith("obj", StringComparison.Ordinal) || relative.StartsWith("bin", StringComparison.Ordinal))
            {
                continue;
            }

            var parts = relative.Split(Path.DirectorySeparatorChar);
            var folder = parts.Length > 1 ? parts[0] : "(root)";
            foreach (Match match in directive.Matches(File.ReadAllText(file)))
            {
                var imported = match.Groups[1].Value;
                if (imported != folder)
                {
                    (imports.TryGetValue(folder, out var set) ? set : imports[folder] = new HashSet<string>(StringComparer.Ordinal)).Add(imported);
                }
            }
        }

        Assert.True(imports.Count > 0, $"no imports read under {projectPath}");
        return imports;
    }

    // Every elementary cycle once, written from its alphabetically first folder.
    private static List<string> Cycles(Dictionary<string, HashSet<string>> imports)
    {
        var cycles = new SortedSet<string>(StringComparer.Ordinal);
        void Walk(string folder, List<string> path)
        {
            foreach (var next in imports.GetValueOrDefault(folder) ?? [])
            {
                var at = path.IndexOf(next);
                if (at >= 0)
                {
                    var ring = path[at..];
                    var first = ring.IndexOf(ring.Min(StringComparer.Ordinal)!);
                    var ordered = ring[first..].Concat(ring[..first]).ToList();
                    cycles.Add(string.Join(" -> ", ordered.Append(ordered[0])));
                }
                else if (path.Count < 16)
                {
                    Walk(next, [.. path, next]);
                }
            }
        }

        foreach (var folder in imports.Keys)
        {
            Walk(folder, [folder]);
        }

        return [.. cycles];
    }
}
