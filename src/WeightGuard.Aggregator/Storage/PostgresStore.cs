using System.Data.Common;
using Npgsql;

namespace WeightGuard.Aggregator.Storage;

/// <summary>The store in PostgreSQL, for fleets where several aggregator instances share one database.</summary>
public sealed class PostgresStore(string connectionString) : SqlStore
{
    private readonly NpgsqlDataSource _source = NpgsqlDataSource.Create(connectionString);

    /// <summary>Migrations take a transaction-scoped advisory lock so that instances starting together migrate in turn.</summary>
    protected override string MigrationLockSql => "SELECT pg_advisory_xact_lock(7724183531)";

    /// <inheritdoc/>
    protected override string OrdinalCollation => " COLLATE \"C\"";

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancel) => await _source.OpenConnectionAsync(cancel);

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await base.DisposeAsync();
    }
}
