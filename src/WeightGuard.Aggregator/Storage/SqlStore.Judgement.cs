using System.Data.Common;
using System.Text.Json;

namespace WeightGuard.Aggregator.Storage;

/// <summary>The fleet judgement's storage (see the partial <see cref="IAggregatorStore"/>).</summary>
public abstract partial class SqlStore
{
    /// <summary>Hosts per <c>IN (…)</c> list when reading assessments for a page of hosts.</summary>
    private const int HostsPerQuery = 500;

    /// <inheritdoc/>
    public async Task<bool> SetJudgementAsync(string agentId, CurrentJudgement judgement, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        // Only the judgement of the host's latest report is current; a report that arrived meanwhile wins.
        await using (var check = Command(db, tx, "SELECT latest_report_id FROM agents WHERE agent_id = @a", ("a", agentId)))
            if (await check.ExecuteScalarAsync(cancel) is not string latest || latest != judgement.ReportId.ToString()) return false;
        await WriteJudgementAsync(db, tx, agentId, judgement, cancel);
        await tx.CommitAsync(cancel);
        return true;
    }

    private async Task WriteJudgementAsync(DbConnection db, DbTransaction tx, string agentId, CurrentJudgement judgement, CancellationToken cancel)
    {
        await Execute(db, tx, """
            UPDATE agents SET host_controls_met = @met, attested_level = @attested, pending_attestations = @pending, pcr_drift = @drift,
                              judged_report_id = @report, judged_until = @until, failed = @failed, errors = @errors, unassigned = @unassigned
            WHERE agent_id = @a
            """, cancel, ("a", agentId), ("failed", (long)judgement.Assessments.Sum(p => p.Failed)), ("errors", (long)judgement.Assessments.Sum(p => p.Errors)),
            ("unassigned", Flag(judgement.Assessments.Count > 0 && judgement.Assessments.All(p => !p.Assigned))), ("met", judgement.Rand.HostControlsMet), ("attested", judgement.Rand.Attested),
            ("pending", (long)judgement.Rand.PendingAttestations), ("drift", Flag(judgement.PcrDrift)), ("report", judgement.ReportId.ToString()),
            ("until", judgement.ValidUntil is { } until ? Ms(until) : null));
        await Execute(db, tx, "DELETE FROM host_assessments WHERE agent_id = @a", cancel, ("a", agentId));
        foreach (var p in judgement.Assessments)
            await Execute(db, tx, """
                INSERT INTO host_assessments (agent_id, profile_id, assigned, pass, fail, error, not_applicable, waived, manual, attested)
                VALUES (@a, @p, @assigned, @pass, @fail, @error, @na, @waived, @manual, @attested)
                """, cancel, ("a", agentId), ("p", p.Profile), ("assigned", Flag(p.Assigned)), ("pass", (long)p.Passed), ("fail", (long)p.Failed),
                ("error", (long)p.Errors), ("na", (long)p.NotApplicable), ("waived", (long)p.Waived), ("manual", (long)p.Manual), ("attested", (long)p.Attested));
        await ReplaceVerdictsAsync(db, tx, agentId, judgement.Verdicts, cancel);
    }

    /// <summary>
    /// Makes the host's stored verdicts <paramref name="verdicts"/>, writing only those that changed: a host reports the
    /// same verdicts again and again, and rewriting them all (with every index on them) was most of ingest's SQL.
    /// </summary>
    private async Task ReplaceVerdictsAsync(DbConnection db, DbTransaction tx, string agentId, IReadOnlyList<CurrentVerdict> verdicts, CancellationToken cancel)
    {
        Dictionary<(string, string), CurrentVerdict> stored;
        await using (var cmd = Command(db, tx, "SELECT profile_id, control_id, status, severity FROM host_verdicts WHERE agent_id = @a", ("a", agentId)))
            stored = (await ReadAll(cmd, r => new CurrentVerdict(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)), cancel))
                .ToDictionary(v => (v.Profile, v.ControlId));
        var added = new List<CurrentVerdict>();
        foreach (var v in verdicts)
        {
            if (!stored.Remove((v.Profile, v.ControlId), out var was)) added.Add(v);
            else if (was != v)
                await Execute(db, tx, "UPDATE host_verdicts SET status = @s, severity = @v WHERE agent_id = @a AND profile_id = @p AND control_id = @c", cancel,
                    ("a", agentId), ("p", v.Profile), ("c", v.ControlId), ("s", v.Status), ("v", v.Severity));
        }
        foreach (var gone in stored.Keys)
            await Execute(db, tx, "DELETE FROM host_verdicts WHERE agent_id = @a AND profile_id = @p AND control_id = @c", cancel,
                ("a", agentId), ("p", gone.Item1), ("c", gone.Item2));
        await InsertVerdictsAsync(db, tx, agentId, added, cancel);
    }

    /// <summary>
    /// Verdict rows per INSERT statement. SQLite runs one prepared single-row statement again and again faster than it
    /// compiles a long multi-row one; PostgreSQL saves round trips with many rows per statement.
    /// </summary>
    protected virtual int VerdictRowsPerStatement => 100;

    private async Task InsertVerdictsAsync(DbConnection db, DbTransaction tx, string agentId, IReadOnlyList<CurrentVerdict> verdicts, CancellationToken cancel)
    {
        DbCommand? cmd = null;
        try
        {
            foreach (var chunk in verdicts.Chunk(VerdictRowsPerStatement))
            {
                if (cmd is null || cmd.Parameters.Count != 1 + 4 * chunk.Length)
                {
                    if (cmd is not null) await cmd.DisposeAsync();
                    cmd = Command(db, tx, "INSERT INTO host_verdicts (agent_id, profile_id, control_id, status, severity) VALUES " +
                        string.Join(", ", chunk.Select((_, i) => $"(@id, @p{i}, @c{i}, @s{i}, @v{i})")), ("id", agentId));
                    for (var i = 0; i < chunk.Length; i++)
                        foreach (var name in new[] { "p", "c", "s", "v" }) Add(cmd, $"{name}{i}", null);
                }
                for (var i = 0; i < chunk.Length; i++)
                {
                    var p = 1 + 4 * i;
                    cmd.Parameters[p].Value = chunk[i].Profile;
                    cmd.Parameters[p + 1].Value = chunk[i].ControlId;
                    cmd.Parameters[p + 2].Value = chunk[i].Status;
                    cmd.Parameters[p + 3].Value = chunk[i].Severity;
                }
                await cmd.ExecuteNonQueryAsync(cancel);
            }
        }
        finally
        {
            if (cmd is not null) await cmd.DisposeAsync();
        }
    }

    /// <summary>Fills in the assessments and labels of <paramref name="hosts"/>.</summary>
    private async Task<IReadOnlyList<HostRow>> WithAssessmentsAsync(DbConnection db, IReadOnlyList<HostRow> hosts, CancellationToken cancel)
    {
        var assessments = new Dictionary<string, List<ProfileAssessment>>(StringComparer.Ordinal);
        var labels = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var chunk in hosts.Select(h => h.AgentId).Chunk(HostsPerQuery))
        {
            var names = string.Join(", ", chunk.Select((_, i) => "@h" + i));
            var parameters = chunk.Select((id, i) => ("h" + i, (object?)id)).ToArray();
            await using (var cmd = Command(db, null, $"""
                             SELECT agent_id, profile_id, assigned, pass, fail, error, not_applicable, waived, manual, attested
                             FROM host_assessments WHERE agent_id IN ({names}) ORDER BY agent_id, assigned DESC, profile_id
                             """, parameters))
                foreach (var (agent, a) in await ReadAll(cmd, r => (r.GetString(0), new ProfileAssessment(r.GetString(1), Long(r, 2) != 0,
                             (int)Long(r, 3), (int)Long(r, 4), (int)Long(r, 5), (int)Long(r, 6), (int)Long(r, 7), (int)Long(r, 8), (int)Long(r, 9))), cancel))
                    (assessments.TryGetValue(agent, out var list) ? list : assessments[agent] = []).Add(a);
            await using (var cmd = Command(db, null, $"SELECT agent_id, label FROM host_labels WHERE agent_id IN ({names}) ORDER BY agent_id, label", parameters))
                foreach (var (agent, label) in await ReadAll(cmd, r => (r.GetString(0), r.GetString(1)), cancel))
                    (labels.TryGetValue(agent, out var list) ? list : labels[agent] = []).Add(label);
        }
        return hosts.Select(h => h with
        {
            Assessments = assessments.GetValueOrDefault(h.AgentId) ?? [],
            Labels = (IReadOnlyList<string>?)labels.GetValueOrDefault(h.AgentId)?.Order(StringComparer.Ordinal).ToList() ?? [],
        }).ToList();
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<(string AgentId, Guid ReportId)>> HostsToJudgeAsync(DateTimeOffset? dueBy, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = dueBy is { } due
            ? Command(db, null, "SELECT agent_id, latest_report_id FROM agents WHERE latest_report_id IS NOT NULL AND judged_until <= @due", ("due", Ms(due)))
            : Command(db, null, "SELECT agent_id, latest_report_id FROM agents WHERE latest_report_id IS NOT NULL");
        return await ReadAll(cmd, r => (r.GetString(0), Guid.Parse(r.GetString(1))), cancel);
    }

    /// <inheritdoc/>
    public async Task AddRefusalAsync(string agentId, Refusal refusal, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        await Execute(db, tx, "INSERT INTO attestation_events (agent_id, at, check_name, detail) VALUES (@a, @at, @c, @d)", cancel,
            ("a", agentId), ("at", Ms(refusal.At)), ("c", refusal.Check), ("d", refusal.Detail));
        await Execute(db, tx, "UPDATE agents SET last_refused_at = @at, last_refusal_check = @c, last_refusal_detail = @d WHERE agent_id = @a", cancel,
            ("a", agentId), ("at", Ms(refusal.At)), ("c", refusal.Check), ("d", refusal.Detail));
        await tx.CommitAsync(cancel);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlySet<string>> DuplicateNamesAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT LOWER(hostname) FROM agents WHERE revoked_at IS NULL GROUP BY LOWER(hostname) HAVING COUNT(*) > 1");
        return (await ReadAll(cmd, r => r.GetString(0), cancel)).ToHashSet(StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<FailingVerdict>> FailingVerdictsAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT agent_id, profile_id, control_id, status, severity FROM host_verdicts WHERE status IN ('fail', 'error')");
        return await ReadAll(cmd, r => new FailingVerdict(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4)), cancel);
    }

    /// <inheritdoc/>
    public async Task<StoredPolicy?> GetPolicyAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT body, updated_at, updated_by FROM fleet_policy WHERE policy_id = 1");
        var found = await ReadAll(cmd, r => new StoredPolicy(r.GetString(0), FromMs(Long(r, 1)), r.GetString(2)), cancel);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public Task SetPolicyAsync(StoredPolicy policy, CancellationToken cancel = default) =>
        Write("""
            INSERT INTO fleet_policy (policy_id, body, updated_at, updated_by) VALUES (1, @b, @at, @by)
            ON CONFLICT (policy_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """, cancel, ("b", policy.Text), ("at", Ms(policy.UpdatedAt)), ("by", policy.UpdatedBy));

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredAttestation>> ListAttestationsAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, """
            SELECT attestation_id, control_id, hosts, labels, statement, evidence_ref, attestor, recorded_at, expires_at, withdrawn_at
            FROM manual_attestations ORDER BY recorded_at, attestation_id
            """);
        return await ReadAll(cmd, r => new StoredAttestation(Guid.Parse(r.GetString(0)), r.GetString(1), NullableString(r, 2),
            JsonSerializer.Deserialize<Dictionary<string, string>>(r.GetString(3))!, r.GetString(4), NullableString(r, 5), r.GetString(6),
            FromMs(Long(r, 7)), FromMs(Long(r, 8)), r.IsDBNull(9) ? null : FromMs(Long(r, 9))), cancel);
    }

    /// <inheritdoc/>
    public Task AddAttestationAsync(StoredAttestation a, CancellationToken cancel = default) =>
        Write("""
            INSERT INTO manual_attestations (attestation_id, control_id, hosts, labels, statement, evidence_ref, attestor, recorded_at, expires_at)
            VALUES (@id, @c, @h, @l, @s, @e, @by, @at, @exp)
            """, cancel, ("id", a.AttestationId.ToString()), ("c", a.ControlId), ("h", a.Hosts), ("l", JsonSerializer.Serialize(a.Labels)),
            ("s", a.Statement), ("e", a.EvidenceRef), ("by", a.Attestor), ("at", Ms(a.RecordedAt)), ("exp", Ms(a.Expires)));

    /// <inheritdoc/>
    public async Task<bool> WithdrawAttestationAsync(Guid attestationId, DateTimeOffset at, CancellationToken cancel = default) =>
        await Write("UPDATE manual_attestations SET withdrawn_at = @at WHERE attestation_id = @id AND withdrawn_at IS NULL", cancel,
            ("id", attestationId.ToString()), ("at", Ms(at))) == 1;
}
