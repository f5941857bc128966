using System.Globalization;

namespace WeightGuard.Aggregator.Storage;

/// <summary>Stored waivers (see the partial <see cref="IAggregatorStore"/>). Expiry days are kept as ISO dates (<c>yyyy-MM-dd</c>).</summary>
public abstract partial class SqlStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredWaiver>> ListWaiversAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null,
            "SELECT waiver_id, control_id, host_pattern, justification, approver, expires, created_at FROM waivers ORDER BY created_at, waiver_id");
        return await ReadAll(cmd, r => new StoredWaiver(Guid.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            DateOnly.ParseExact(r.GetString(5), "yyyy-MM-dd", CultureInfo.InvariantCulture), FromMs(Long(r, 6))), cancel);
    }

    /// <inheritdoc/>
    public Task AddWaiverAsync(StoredWaiver waiver, CancellationToken cancel = default) =>
        Write("""
            INSERT INTO waivers (waiver_id, control_id, host_pattern, justification, approver, expires, created_at)
            VALUES (@id, @c, @h, @j, @a, @exp, @at)
            """, cancel, ("id", waiver.WaiverId.ToString()), ("c", waiver.ControlId), ("h", waiver.HostPattern), ("j", waiver.Justification),
            ("a", waiver.Approver), ("exp", waiver.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("at", Ms(waiver.CreatedAt)));

    /// <inheritdoc/>
    public async Task<bool> DeleteWaiverAsync(Guid waiverId, CancellationToken cancel = default) =>
        await Write("DELETE FROM waivers WHERE waiver_id = @id", cancel, ("id", waiverId.ToString())) == 1;
}
