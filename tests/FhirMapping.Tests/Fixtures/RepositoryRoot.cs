namespace Cds.FhirMapping.Tests.Fixtures;

/// <summary>The repository's root folder (the one that holds Cds.sln), found above the test binaries.</summary>
internal static class RepositoryRoot
{
    private static readonly Lazy<string> Found = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "Cds.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Cds.sln) was not found above " + AppContext.BaseDirectory);
    });

    public static string Path => Found.Value;
}
