using System.CommandLine;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Cli;

/// <summary>The <c>--data</c> and <c>--db</c> options every command shares, and opening the store they name.</summary>
internal static class StoreOptions
{
    /// <summary>Exit code of a command that ran.</summary>
    public const int Ok = 0;
    /// <summary>Exit code of a usage, configuration or input error.</summary>
    public const int BadInput = 2;

    public static Option<string> Data() => new("--data")
    {
        Description = "The aggregator's data directory (CA, keys, settings)", HelpName = "DIR", Required = true,
    };

    public static Option<string?> Database() => new("--db")
    {
        Description = "sqlite:PATH or postgres:CONNECTION-STRING (default: the one recorded by init)", HelpName = "DATABASE",
    };

    /// <summary>
    /// The migrated store of an initialised data directory, or null after printing why (one line on standard error).
    /// </summary>
    public static async Task<SqlStore?> OpenAsync(DataDirectory data, string? databaseOverride, CancellationToken cancel)
    {
        if (!data.IsInitialized)
        {
            Console.Error.WriteLine($"{data.Path}: not an aggregator data directory (run 'weightguard-aggregator init --data {data.Path}')");
            return null;
        }
        string location;
        try { location = databaseOverride ?? data.RecordedDatabase(); }
        catch (InvalidOperationException e)
        {
            Console.Error.WriteLine(e.Message);
            return null;
        }
        if (DatabaseLocation.Problem(location) is { } problem)
        {
            Console.Error.WriteLine(problem);
            return null;
        }
        var store = DatabaseLocation.Open(location);
        try
        {
            await store.MigrateAsync(cancel);
            return store;
        }
        catch (System.Data.Common.DbException e)
        {
            await store.DisposeAsync();
            Console.Error.WriteLine($"{DatabaseLocation.Redact(location)}: {e.Message}");
            return null;
        }
    }
}
