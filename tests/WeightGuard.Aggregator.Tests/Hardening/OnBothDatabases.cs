using System.Net;
using Microsoft.Data.Sqlite;
using Npgsql;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Hosting;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// A fixture that runs each of its tests against a fresh real aggregator (TLS, Kestrel) on SQLite and again on
/// PostgreSQL, as the hardening of each defect must hold on both.
/// </summary>
[TestFixture("sqlite")]
[TestFixture("postgres")]
[NonParallelizable]
public abstract class OnBothDatabases(string database)
{
    private readonly List<IAsyncDisposable> _started = [];

    /// <summary>Starts an aggregator on this fixture's database; it is stopped after the test.</summary>
    private protected async Task<TestAggregator> StartAsync(Func<AggregatorSettings, AggregatorSettings>? configure = null, bool requireEkCertificate = false,
        string? tpmCaDirectory = null)
    {
        Func<string, string>? location = database == "postgres" ? _ => "postgres:" + PostgresServer.Shared.CreateDatabase() : null;
        var aggregator = await TestAggregator.StartAsync(tpmCaDirectory, requireEkCertificate, database: location, configure: configure);
        _started.Add(aggregator);
        return aggregator;
    }

    [TearDown]
    public async Task StopAggregators()
    {
        foreach (var started in _started) await started.DisposeAsync();
        _started.Clear();
    }

    /// <summary>A new API token of <paramref name="role"/>.</summary>
    private protected static Task<string> TokenAsync(TestAggregator aggregator, string role, string name = "someone", TimeSpan? lifetime = null) =>
        ApiTokens.CreateAsync(aggregator.Store, name, role, aggregator.Clock.GetUtcNow(), lifetime ?? ApiTokens.DefaultLifetime);

    /// <summary>Runs SQL on the aggregator's database behind its back (to tamper with it as an attacker with database access would).</summary>
    private protected static async Task ExecuteSqlAsync(TestAggregator aggregator, string sql)
    {
        await using System.Data.Common.DbConnection db = aggregator.Database.StartsWith("sqlite:", StringComparison.Ordinal)
            ? new SqliteConnection($"Data Source={aggregator.Database["sqlite:".Length..]}")
            : new NpgsqlConnection(aggregator.Database["postgres:".Length..]);
        await db.OpenAsync();
        await using var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>Asserts a 429 with a positive whole-second <c>Retry-After</c>.</summary>
    private protected static void AssertTooManyRequests(HttpResponseMessage response)
    {
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.TooManyRequests));
        Assert.That(response.Headers.RetryAfter?.Delta?.TotalSeconds, Is.GreaterThanOrEqualTo(1), "Retry-After in seconds");
    }
}
