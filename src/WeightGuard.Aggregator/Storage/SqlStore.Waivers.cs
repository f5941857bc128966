using System.Globalization;
using System.Text.Json;

namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// Stored waivers (see the partial <see cref="IAggregatorStore"/>). Expiry days are kept as ISO dates (<c>yyyy-MM-dd</c>).
/// A deleted waiver is withdrawn, not erased, so that what was judged while it stood can still be re-derived.
/// </summary>
public abstract partial class SqlStore
{
    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredWaiver>> ListWaiversAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, """
            SELECT waiver_id, control_id, host_pattern, justification, approver, expires, created_at, withdrawn_at, labels
            FROM waivers ORDER BY created_at, waiver_id
            """);
        return await ReadAll(cmd, r => new StoredWaiver(Guid.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4),
            DateOnly.ParseExact(r.GetString(5), "yyyy-MM-dd", CultureInfo.InvariantCulture), FromMs(Long(r, 6)), r.IsDBNull(7) ? null : FromMs(Long(r, 7)))
        {
            Labels = r.IsDBNull(8) ? new Dictionary<string, string>() : JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(8))!,
        }, cancel);
    }

    /// <inheritdoc/>
    public Task AddWaiverAsync(StoredWaiver waiver, CancellationToken cancel = default) =>
        Write("""
            INSERT INTO waivers (waiver_id, control_id, host_pattern, justification, approver, expires, created_at, labels)
            VALUES (@id, @c, @h, @j, @a, @exp, @at, @l)
            """, cancel, ("id", waiver.WaiverId.ToString()), ("c", waiver.ControlId), ("h", waiver.HostPattern), ("j", waiver.Justification),
            ("a", waiver.Approver), ("exp", waiver.Expires.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("at", Ms(waiver.CreatedAt)),
            ("l", JsonSerializer.Serialize(waiver.Labels)));

    /// <inheritdoc/>
    public async Task<bool> WithdrawWaiverAsync(Guid waiverId, DateTimeOffset at, CancellationToken cancel = default) =>
        await Write("UPDATE waivers SET withdrawn_at = @at WHERE waiver_id = @id AND withdrawn_at IS NULL", cancel, ("id", waiverId.ToString()), ("at", Ms(at))) == 1;
}
