using System.Data.Common;
using System.Text.Json;

namespace WeightGuard.Aggregator.Storage;

/// <summary>Alerts (see the partial <see cref="IAggregatorStore"/>).</summary>
public abstract partial class SqlStore
{
    private const string AlertStateColumns = "agent_id, version, state, profiles, pcr_drift, last_refused_at, stray_paths, observed_at";
    private const string AlertColumns = "alert_id, at, agent_id, hostname, type, severity, from_state, to_state, body";

    /// <inheritdoc/>
    public async Task<HostAlertState?> GetAlertStateAsync(string agentId, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {AlertStateColumns} FROM host_alert_states WHERE agent_id = @a", ("a", agentId));
        return (await ReadAll(cmd, ReadAlertState, cancel)).FirstOrDefault();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HostAlertState>> ListAlertStatesAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {AlertStateColumns} FROM host_alert_states");
        return await ReadAll(cmd, ReadAlertState, cancel);
    }

    /// <inheritdoc/>
    public async Task<bool> RecordAlertsAsync(HostAlertState next, long? expectedVersion, IReadOnlyList<StoredAlert> alerts,
        Func<StoredAlert, IEnumerable<string>> sinksFor, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        (string, object?)[] state =
        [
            ("a", next.AgentId), ("v", next.Version), ("s", next.State), ("p", JsonSerializer.Serialize(next.Profiles)), ("d", Flag(next.PcrDrift)),
            ("r", next.LastRefusalAt is { } refused ? Ms(refused) : null), ("w", JsonSerializer.Serialize(next.StrayPaths)), ("o", Ms(next.ObservedAt)),
            ("expected", expectedVersion),
        ];
        var written = expectedVersion is null
            ? await Execute(db, tx, $"INSERT INTO host_alert_states ({AlertStateColumns}) VALUES (@a, @v, @s, @p, @d, @r, @w, @o) ON CONFLICT (agent_id) DO NOTHING",
                cancel, state)
            : await Execute(db, tx, """
                UPDATE host_alert_states SET version = @v, state = @s, profiles = @p, pcr_drift = @d, last_refused_at = @r, stray_paths = @w, observed_at = @o
                WHERE agent_id = @a AND version = @expected
                """, cancel, state);
        if (written != 1) return false;
        foreach (var alert in alerts)
        {
            await Execute(db, tx, $"INSERT INTO alerts ({AlertColumns}) VALUES (@id, @at, @a, @h, @t, @sev, @from, @to, @body)", cancel,
                ("id", alert.AlertId.ToString()), ("at", Ms(alert.At)), ("a", alert.AgentId), ("h", alert.Hostname), ("t", alert.Type),
                ("sev", alert.Severity), ("from", alert.FromState), ("to", alert.ToState), ("body", alert.Body));
            foreach (var sink in sinksFor(alert))
                await Execute(db, tx, "INSERT INTO alert_deliveries (alert_id, sink, status, attempts, detail, updated_at) VALUES (@id, @sink, 'queued', 0, NULL, @at)",
                    cancel, ("id", alert.AlertId.ToString()), ("sink", sink), ("at", Ms(alert.At)));
        }
        await tx.CommitAsync(cancel);
        return true;
    }

    /// <inheritdoc/>
    public Task SetAlertDeliveryAsync(AlertDelivery delivery, CancellationToken cancel = default) =>
        Write("""
            INSERT INTO alert_deliveries (alert_id, sink, status, attempts, detail, updated_at) VALUES (@id, @sink, @status, @attempts, @detail, @at)
            ON CONFLICT (alert_id, sink) DO UPDATE SET status = excluded.status, attempts = excluded.attempts, detail = excluded.detail,
                                                      updated_at = excluded.updated_at
            """, cancel, ("id", delivery.AlertId.ToString()), ("sink", delivery.Sink), ("status", delivery.Status), ("attempts", (long)delivery.Attempts),
            ("detail", delivery.Detail), ("at", Ms(delivery.UpdatedAt)));

    /// <inheritdoc/>
    public async Task<int> PruneAlertsAsync(DateTimeOffset before, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        await Execute(db, tx, "DELETE FROM alert_deliveries WHERE alert_id IN (SELECT alert_id FROM alerts WHERE at < @before)", cancel, ("before", Ms(before)));
        var pruned = await Execute(db, tx, "DELETE FROM alerts WHERE at < @before", cancel, ("before", Ms(before)));
        await tx.CommitAsync(cancel);
        return pruned;
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<AlertWithDeliveries>> RecentAlertsAsync(int limit, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        IReadOnlyList<StoredAlert> alerts;
        await using (var cmd = Command(db, null, $"SELECT {AlertColumns} FROM alerts ORDER BY at DESC, alert_id LIMIT @limit", ("limit", (long)limit)))
            alerts = await ReadAll(cmd, r => new StoredAlert(Guid.Parse(r.GetString(0)), FromMs(Long(r, 1)), r.GetString(2), r.GetString(3), r.GetString(4),
                r.GetString(5), r.GetString(6), r.GetString(7), r.GetString(8)), cancel);
        if (alerts.Count == 0) return [];
        await using var deliveries = Command(db, null, """
            SELECT d.alert_id, d.sink, d.status, d.attempts, d.detail, d.updated_at
            FROM alert_deliveries d JOIN (SELECT alert_id FROM alerts ORDER BY at DESC, alert_id LIMIT @limit) recent ON recent.alert_id = d.alert_id
            ORDER BY d.sink
            """, ("limit", (long)limit));
        var bySink = (await ReadAll(deliveries, r => new AlertDelivery(Guid.Parse(r.GetString(0)), r.GetString(1), r.GetString(2), (int)Long(r, 3),
                NullableString(r, 4), FromMs(Long(r, 5))), cancel))
            .ToLookup(d => d.AlertId);
        return alerts.Select(a => new AlertWithDeliveries(a, bySink[a.AlertId].ToList())).ToList();
    }

    private static HostAlertState ReadAlertState(DbDataReader r) => new(r.GetString(0), Long(r, 1), r.GetString(2),
        JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3))!, Long(r, 4) != 0, r.IsDBNull(5) ? null : FromMs(Long(r, 5)),
        JsonSerializer.Deserialize<List<string>>(r.GetString(6))!, FromMs(Long(r, 7)));
}
