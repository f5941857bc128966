namespace WeightGuard.Aggregator.Storage;

/// <summary>The dashboard's and export's queries (see the partial <see cref="IAggregatorStore"/>).</summary>
public abstract partial class SqlStore
{
    private const string BodyColumns = "report_id, agent_id, received_at, profile_id, body, attestation_json, judgement";

    /// <inheritdoc/>
    public async Task<StoredReportBody?> GetReportBodyAsync(Guid reportId, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {BodyColumns} FROM reports WHERE report_id = @id", ("id", reportId.ToString()));
        var found = await ReadAll(cmd, ReadBody, cancel);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<StoredReportBody>> ReportBodiesAsync(string agentId, DateTimeOffset? since, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null,
            $"SELECT {BodyColumns} FROM reports WHERE agent_id = @a AND received_at >= @since ORDER BY received_at, report_id",
            ("a", agentId), ("since", since is { } s ? Ms(s) : long.MinValue));
        return await ReadAll(cmd, ReadBody, cancel);
    }

    /// <inheritdoc/>
    public async Task<int> CountHostsAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT COUNT(*) FROM agents");
        return (int)(await ReadAll(cmd, r => Long(r, 0), cancel))[0];
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HostRow>> AllHostsAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT {HostColumns} FROM {HostFrom} ORDER BY a.hostname, a.agent_id");
        return await WithAssessmentsAsync(db, await ReadAll(cmd, ReadHost, cancel), cancel);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> HostLabelsAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT agent_id, label FROM host_labels");
        var rows = await ReadAll(cmd, r => (Agent: r.GetString(0), Label: r.GetString(1)), cancel);
        return rows.GroupBy(x => x.Agent, StringComparer.Ordinal).ToDictionary(g => g.Key,
            g => (IReadOnlyList<string>)g.Select(x => x.Label).Order(StringComparer.Ordinal).ToList(), StringComparer.Ordinal);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> LabelsOfAsync(string agentId, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT label FROM host_labels WHERE agent_id = @a ORDER BY label", ("a", agentId));
        return (await ReadAll(cmd, r => r.GetString(0), cancel)).Order(StringComparer.Ordinal).ToList();
    }

    /// <inheritdoc/>
    public async Task SetHostLabelsAsync(string agentId, IReadOnlyCollection<string> labels, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        await Execute(db, tx, "DELETE FROM host_labels WHERE agent_id = @a", cancel, ("a", agentId));
        foreach (var label in labels.Distinct(StringComparer.Ordinal))
            await Execute(db, tx, "INSERT INTO host_labels (agent_id, label) VALUES (@a, @l)", cancel, ("a", agentId), ("l", label));
        await tx.CommitAsync(cancel);
    }

    /// <inheritdoc/>
    public async Task<PcrBaseline?> GetPcrBaselineAsync(string agentId, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using (var chosen = Command(db, null, """
                         SELECT r.report_id, r.received_at, r.attestation_json, b.set_by, b.set_at
                         FROM pcr_baselines b JOIN reports r ON r.report_id = b.report_id WHERE b.agent_id = @a
                         """, ("a", agentId)))
        {
            var rows = await ReadAll(chosen, r => new PcrBaseline(Guid.Parse(r.GetString(0)), FromMs(Long(r, 1)), r.GetString(2), r.GetString(3),
                FromMs(Long(r, 4))), cancel);
            if (rows.Count > 0) return rows[0];
        }
        await using var first = Command(db, null, """
            SELECT report_id, received_at, attestation_json FROM reports
            WHERE agent_id = @a AND attestation = 'verified' AND attestation_json IS NOT NULL ORDER BY received_at, report_id LIMIT 1
            """, ("a", agentId));
        var found = await ReadAll(first, r => new PcrBaseline(Guid.Parse(r.GetString(0)), FromMs(Long(r, 1)), r.GetString(2), null, null), cancel);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public async Task<bool> SetPcrBaselineAsync(string agentId, Guid reportId, string setBy, DateTimeOffset at, CancellationToken cancel = default) =>
        await Write("""
            INSERT INTO pcr_baselines (agent_id, report_id, set_by, set_at)
            SELECT agent_id, report_id, @by, @at FROM reports
            WHERE report_id = @r AND agent_id = @a AND attestation = 'verified' AND attestation_json IS NOT NULL
            ON CONFLICT (agent_id) DO UPDATE SET report_id = excluded.report_id, set_by = excluded.set_by, set_at = excluded.set_at
            """, cancel, ("a", agentId), ("r", reportId.ToString()), ("by", setBy), ("at", Ms(at))) == 1;

    /// <inheritdoc/>
    public async Task<IReadOnlyList<DailyAssessment>> DailyAssessmentsAsync(string profileId, DateTimeOffset since, CancellationToken cancel = default)
    {
        const long day = 86_400_000;
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"""
            SELECT agent_id, d, fail, error, host_controls_met
            FROM (SELECT agent_id, received_at / {day} AS d, fail, error, host_controls_met,
                         ROW_NUMBER() OVER (PARTITION BY agent_id, received_at / {day} ORDER BY received_at DESC, report_id DESC) AS n
                  FROM report_assessments WHERE profile_id = @p AND received_at >= @since) last_of_day
            WHERE n = 1 ORDER BY d, agent_id
            """, ("p", profileId), ("since", Ms(since)));
        return await ReadAll(cmd, r => new DailyAssessment(r.GetString(0),
            DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(Long(r, 1) * day).UtcDateTime), Long(r, 2) == 0 && Long(r, 3) == 0,
            r.GetString(4)), cancel);
    }

    /// <inheritdoc/>
    public async Task<string?> LastExportAsync(CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, "SELECT manifest_sha256 FROM bundle_exports ORDER BY created_at DESC LIMIT 1");
        var found = await ReadAll(cmd, r => r.GetString(0), cancel);
        return found.Count == 0 ? null : found[0];
    }

    /// <inheritdoc/>
    public Task AddExportAsync(string manifestSha256, DateTimeOffset createdAt, string madeBy, CancellationToken cancel = default) =>
        Write("INSERT INTO bundle_exports (manifest_sha256, created_at, made_by) VALUES (@h, @at, @by)", cancel,
            ("h", manifestSha256), ("at", Ms(createdAt)), ("by", madeBy));

    private static StoredReportBody ReadBody(System.Data.Common.DbDataReader r) => new(Guid.Parse(r.GetString(0)), r.GetString(1),
        FromMs(Long(r, 2)), r.GetString(3), r.GetString(4), NullableString(r, 5))
    {
        Judgement = System.Text.Json.JsonSerializer.Deserialize<ReportJudgement>(r.GetString(6), JudgementJson)!,
    };
}
