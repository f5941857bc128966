namespace WeightGuard.Testing;

/// <summary>Locations in the repository and the shared test data beside it.</summary>
public static class RepoPaths
{
    /// <summary>The repository root: the nearest directory above the test binaries that holds WeightGuard.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>The shared test data folder that sits beside the repository (<c>../shared/testdata</c>).</summary>
    public static string SharedTestData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    /// <summary>The repository's own fixtures (<c>tests/fixtures</c>).</summary>
    public static string Fixtures => Path.Combine(Root, "tests", "fixtures");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "WeightGuard.sln"))) return dir.FullName;
        throw new DirectoryNotFoundException("WeightGuard.sln not found above " + AppContext.BaseDirectory);
    }
}
