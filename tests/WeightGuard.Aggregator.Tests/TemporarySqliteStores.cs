using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests;

/// <summary>SQLite stores for the store contract tests, each in its own temporary directory, removed after the test.</summary>
internal sealed class TemporarySqliteStores
{
    /// <summary>The directory of the store made last.</summary>
    public string Directory { get; private set; } = null!;

    /// <summary>A fresh store file in a new temporary directory.</summary>
    public SqlStore Create()
    {
        Directory = System.IO.Directory.CreateTempSubdirectory("weightguard-sqlite-").FullName;
        return new SqliteStore(Path.Combine(Directory, "store.db"));
    }

    /// <summary>Removes the directory of the store made last.</summary>
    public void Remove() => System.IO.Directory.Delete(Directory, recursive: true);
}
