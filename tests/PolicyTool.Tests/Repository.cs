namespace Cds.PolicyTool.Tests;

/// <summary>Paths in the repository (found from the test's output folder), and scratch folders that clean up after themselves.</summary>
internal static class Repository
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cds.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Cds.sln) was not found above " + AppContext.BaseDirectory);
    });

    public static string Root => RootPath.Value;

    public static string Cases => Path.Combine(Root, "cases", "45.03");

    public static string Samples => Path.Combine(Root, "samples");

    public static string ShippedPolicy => Path.Combine(Root, "src", "FhirMapping", "Policies", "dli-45.03.json");
}

/// <summary>A temporary folder, deleted when disposed.</summary>
internal sealed class ScratchFolder : IDisposable
{
    public ScratchFolder() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "policytool-" + Guid.NewGuid().ToString("N"));

    /// <summary>Copies shipped cases into this folder (as its cases) and returns the folder.</summary>
    public string WithCases(params string[] names)
    {
        foreach (var name in names)
        {
            var target = System.IO.Path.Combine(Path, name);
            Directory.CreateDirectory(target);
            foreach (var file in Directory.GetFiles(System.IO.Path.Combine(Repository.Cases, name)))
            {
                File.Copy(file, System.IO.Path.Combine(target, System.IO.Path.GetFileName(file)));
            }
        }

        return Path;
    }

    public string Under(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
