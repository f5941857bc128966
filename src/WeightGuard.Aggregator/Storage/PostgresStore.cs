using System.Buffers.Binary;
using System.Data.Common;
using System.Security.Cryptography;
using System.Text;
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

    /// <summary>
    /// A session-level advisory lock on a connection of its own, keyed by the first 8 bytes of SHA-256 of the name: it
    /// lasts until released or until the connection ends, so an instance that dies never leaves it held.
    /// </summary>
    public override async Task<IAsyncDisposable?> LockAsync(string name, bool wait, CancellationToken cancel = default)
    {
        var key = BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes("weightguard:" + name)));
        var db = await _source.OpenConnectionAsync(cancel);
        try
        {
            await using var cmd = new NpgsqlCommand(wait ? "SELECT pg_advisory_lock(@k), true" : "SELECT true, pg_try_advisory_lock(@k)", db);
            cmd.Parameters.AddWithValue("k", key);
            await using (var r = await cmd.ExecuteReaderAsync(cancel))
                if (await r.ReadAsync(cancel) && r.GetBoolean(1)) return new AdvisoryLock(db, key);
            await db.DisposeAsync();
            return null;
        }
        catch
        {
            await db.DisposeAsync();
            throw;
        }
    }

    /// <inheritdoc/>
    public override async ValueTask DisposeAsync()
    {
        await _source.DisposeAsync();
        await base.DisposeAsync();
    }

    private sealed class AdvisoryLock(NpgsqlConnection db, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            // Unlocked explicitly: the connection goes back to the pool, where a session lock would outlive this holder.
            await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_unlock(@k)", db))
            {
                cmd.Parameters.AddWithValue("k", key);
                await cmd.ExecuteNonQueryAsync();
            }
            await db.DisposeAsync();
        }
    }
}
