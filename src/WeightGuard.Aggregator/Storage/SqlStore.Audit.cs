using System.Data.Common;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Storage;

/// <summary>The audit log (see the partial <see cref="IAggregatorStore"/>).</summary>
public abstract partial class SqlStore
{
    private const string AuditColumns = "seq, at, actor, action, target, details, source, previous_sha256, sha256";
    private const int AuditAppendAttempts = 5;

    /// <inheritdoc/>
    public async Task<AuditEntry> AppendAuditAsync(AuditAction action, DateTimeOffset at, CancellationToken cancel = default)
    {
        // Instances sharing a PostgreSQL database may append at once: the sequence number is the primary key, so the
        // second insert after the same row fails and is chained again after the row that won.
        for (var attempt = 1; ; attempt++)
        {
            using var writer = await EnterWriterAsync(cancel);
            await using var db = await OpenAsync(cancel);
            await using var tx = await db.BeginTransactionAsync(cancel);
            AuditEntry? last;
            await using (var cmd = Command(db, tx, $"SELECT {AuditColumns} FROM audit_log ORDER BY seq DESC LIMIT 1"))
                last = (await ReadAll(cmd, ReadAudit, cancel)).FirstOrDefault();
            var entry = AuditChain.Append(last, action, at);
            try
            {
                await Execute(db, tx, $"INSERT INTO audit_log ({AuditColumns}) VALUES (@seq, @at, @actor, @action, @target, @details, @source, @prev, @hash)",
                    cancel, ("seq", entry.Seq), ("at", Ms(entry.At)), ("actor", entry.Actor), ("action", entry.Action), ("target", entry.Target),
                    ("details", entry.Details), ("source", entry.Source), ("prev", entry.PreviousSha256), ("hash", entry.Sha256));
                await tx.CommitAsync(cancel);
                return entry;
            }
            catch (DbException) when (attempt < AuditAppendAttempts)
            {
                await tx.RollbackAsync(cancel);
            }
        }
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> AuditAfterAsync(long after, int limit, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {AuditColumns} FROM audit_log WHERE seq > @after ORDER BY seq LIMIT @limit",
            ("after", after), ("limit", (long)limit));
        return await ReadAll(cmd, ReadAudit, cancel);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> AuditBeforeAsync(long before, int limit, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {AuditColumns} FROM audit_log WHERE seq < @before ORDER BY seq DESC LIMIT @limit",
            ("before", before), ("limit", (long)limit));
        return await ReadAll(cmd, ReadAudit, cancel);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AuditEntry>> AuditOfActionAsync(string action, int limit, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {AuditColumns} FROM audit_log WHERE action = @action ORDER BY seq DESC LIMIT @limit",
            ("action", action), ("limit", (long)limit));
        return await ReadAll(cmd, ReadAudit, cancel);
    }

    private static AuditEntry ReadAudit(DbDataReader r) => new(Long(r, 0), FromMs(Long(r, 1)), r.GetString(2), r.GetString(3), r.GetString(4),
        r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8));
}
