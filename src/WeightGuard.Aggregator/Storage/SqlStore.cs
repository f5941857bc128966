using System.Data.Common;

namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// The store in plain ADO.NET over SQL that SQLite and PostgreSQL both accept; subclasses only open connections and
/// say how writers and migrations are serialised.
/// </summary>
public abstract partial class SqlStore : IAggregatorStore
{
    private const string ReportColumns = "r.report_id, r.received_at, r.profile_id, r.attestation, r.judgement, r.agent_rand_level, r.hostname";

    private const string HostColumns =
        "a.agent_id, a.hostname, a.enrolled_at, a.revoked_at, CASE WHEN a.ak_public IS NULL THEN 0 ELSE 1 END, a.ek_certified, " +
        "a.host_controls_met, a.attested_level, a.pending_attestations, a.pcr_drift, a.judged_until, a.last_refused_at, a.last_refusal_check, " +
        "a.last_refusal_detail, " + ReportColumns;

    private const string HostFrom = "agents a LEFT JOIN reports r ON r.report_id = a.latest_report_id";

    /// <summary>How judgements are kept as JSON in the <c>reports.judgement</c> column.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions JudgementJson = new(System.Text.Json.JsonSerializerDefaults.Web);

    /// <summary>Nonces are kept this long past their expiry so that a late replay is named as such.</summary>
    private static readonly TimeSpan NonceRetention = TimeSpan.FromHours(1);

    /// <summary>An open connection.</summary>
    protected abstract Task<DbConnection> OpenAsync(CancellationToken cancel);

    /// <summary>Held while writing; SQLite admits one writer at a time, so it queues them here rather than in busy retries.</summary>
    protected virtual Task<IDisposable?> EnterWriterAsync(CancellationToken cancel) => Task.FromResult<IDisposable?>(null);

    /// <summary>SQL run first in the migration transaction so that concurrent instances migrate one after another.</summary>
    protected virtual string? MigrationLockSql => null;

    /// <inheritdoc/>
    public async Task MigrateAsync(CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        if (MigrationLockSql is { } lockSql) await Execute(db, tx, lockSql, cancel);
        await Execute(db, tx, "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at BIGINT NOT NULL)", cancel);
        var applied = new HashSet<long>();
        await using (var cmd = Command(db, tx, "SELECT version FROM schema_migrations"))
        await using (var reader = await cmd.ExecuteReaderAsync(cancel))
            while (await reader.ReadAsync(cancel)) applied.Add(Long(reader, 0));
        foreach (var (version, sql) in Migrations.Steps.Where(s => !applied.Contains(s.Version)))
        {
            await Execute(db, tx, sql, cancel);
            await Execute(db, tx, "INSERT INTO schema_migrations (version, applied_at) VALUES (@v, @at)", cancel,
                ("v", (long)version), ("at", DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));
        }
        await tx.CommitAsync(cancel);
    }

    /// <inheritdoc/>
    public Task AddEnrollmentTokenAsync(string secretHash, DateTimeOffset expiresAt, int uses, CancellationToken cancel = default) =>
        Write("INSERT INTO enrollment_tokens (secret_hash, expires_at, uses_left) VALUES (@h, @exp, @uses)", cancel,
            ("h", secretHash), ("exp", Ms(expiresAt)), ("uses", (long)uses));

    /// <inheritdoc/>
    public async Task<bool> ConsumeEnrollmentTokenAsync(string secretHash, DateTimeOffset now, CancellationToken cancel = default) =>
        await Write("UPDATE enrollment_tokens SET uses_left = uses_left - 1 WHERE secret_hash = @h AND uses_left > 0 AND expires_at > @now",
            cancel, ("h", secretHash), ("now", Ms(now))) == 1;

    /// <inheritdoc/>
    public Task AddPendingEnrollmentAsync(PendingEnrollment pending, CancellationToken cancel = default) =>
        Write("""
            INSERT INTO pending_enrollments (enrollment_id, agent_id, hostname, machine_id, ak_public, ek_certified, csr, credential_hash, expires_at,
                                             ek_public, ek_certificate)
            VALUES (@id, @agent, @host, @machine, @ak, @ekc, @csr, @cred, @exp, @ek, @ekcert)
            """, cancel, ("ek", pending.Agent.EkPublic), ("ekcert", pending.Agent.EkCertificate),
            ("id", pending.EnrollmentId), ("agent", pending.Agent.AgentId), ("host", pending.Agent.Hostname), ("machine", pending.Agent.MachineId),
            ("ak", pending.Agent.AkPublic), ("ekc", Flag(pending.Agent.EkCertified)), ("csr", pending.CertificateRequest),
            ("cred", pending.CredentialHash), ("exp", Ms(pending.ExpiresAt)));

    /// <inheritdoc/>
    public async Task<PendingEnrollment?> TakePendingEnrollmentAsync(string enrollmentId, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, """
            DELETE FROM pending_enrollments WHERE enrollment_id = @id
            RETURNING agent_id, hostname, machine_id, ak_public, ek_certified, csr, credential_hash, expires_at, ek_public, ek_certificate
            """, ("id", enrollmentId));
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        if (!await r.ReadAsync(cancel)) return null;
        var agent = new AgentRecord(r.GetString(0), r.GetString(1), NullableString(r, 2), r.GetFieldValue<byte[]>(3), Long(r, 4) != 0,
            DateTimeOffset.MinValue) { EkPublic = NullableBytes(r, 8), EkCertificate = NullableBytes(r, 9) };
        return new PendingEnrollment(enrollmentId, agent, r.GetString(5), r.GetFieldValue<byte[]>(6), FromMs(Long(r, 7)));
    }

    /// <inheritdoc/>
    public Task AddAgentAsync(AgentRecord agent, CancellationToken cancel = default) =>
        Write("""
            INSERT INTO agents (agent_id, hostname, machine_id, ak_public, ek_certified, enrolled_at, revoked_at, ek_public, ek_certificate)
            VALUES (@id, @host, @machine, @ak, @ekc, @at, @revoked, @ek, @ekcert)
            """, cancel, ("ek", agent.EkPublic), ("ekcert", agent.EkCertificate),
            ("id", agent.AgentId), ("host", agent.Hostname), ("machine", agent.MachineId), ("ak", agent.AkPublic),
            ("ekc", Flag(agent.EkCertified)), ("at", Ms(agent.EnrolledAt)), ("revoked", agent.RevokedAt is { } r ? Ms(r) : null));

    /// <inheritdoc/>
    public async Task<AgentRecord?> GetAgentAsync(string agentId, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null,
            "SELECT hostname, machine_id, ak_public, ek_certified, enrolled_at, revoked_at, ek_public, ek_certificate FROM agents WHERE agent_id = @id",
            ("id", agentId));
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        if (!await r.ReadAsync(cancel)) return null;
        return new AgentRecord(agentId, r.GetString(0), NullableString(r, 1), NullableBytes(r, 2),
            Long(r, 3) != 0, FromMs(Long(r, 4)), r.IsDBNull(5) ? null : FromMs(Long(r, 5))) { EkPublic = NullableBytes(r, 6), EkCertificate = NullableBytes(r, 7) };
    }

    /// <inheritdoc/>
    public async Task<bool> RevokeAgentAsync(string agentId, DateTimeOffset at, CancellationToken cancel = default) =>
        await Write("UPDATE agents SET revoked_at = COALESCE(revoked_at, @at) WHERE agent_id = @id", cancel, ("id", agentId), ("at", Ms(at))) == 1;

    /// <inheritdoc/>
    public async Task<DateTimeOffset?> AddNonceAsync(string nonce, string agentId, DateTimeOffset now, DateTimeOffset expiresAt, int maxOutstanding,
        CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        await Execute(db, tx, "DELETE FROM nonces WHERE expires_at < @cutoff", cancel, ("cutoff", Ms(expiresAt - NonceRetention)));
        await using (var outstanding = Command(db, tx, "SELECT expires_at FROM nonces WHERE agent_id = @a AND used = 0 AND expires_at > @now ORDER BY expires_at",
                         ("a", agentId), ("now", Ms(now))))
        {
            var expiries = await ReadAll(outstanding, r => Long(r, 0), cancel);
            if (expiries.Count >= maxOutstanding) return FromMs(expiries[0]);
        }
        await Execute(db, tx, "INSERT INTO nonces (nonce, agent_id, expires_at, used) VALUES (@n, @a, @exp, 0)", cancel,
            ("n", nonce), ("a", agentId), ("exp", Ms(expiresAt)));
        await tx.CommitAsync(cancel);
        return null;
    }

    /// <inheritdoc/>
    public async Task<NonceCheck> ConsumeNonceAsync(string nonce, string agentId, DateTimeOffset now, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        if (await Execute(db, null, "UPDATE nonces SET used = 1 WHERE nonce = @n AND agent_id = @a AND used = 0 AND expires_at > @now", cancel,
                ("n", nonce), ("a", agentId), ("now", Ms(now))) == 1)
            return NonceCheck.Accepted;
        await using var cmd = Command(db, null, "SELECT agent_id, expires_at, used FROM nonces WHERE nonce = @n", ("n", nonce));
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        if (!await r.ReadAsync(cancel)) return NonceCheck.Unknown;
        if (r.GetString(0) != agentId) return NonceCheck.OtherAgent;
        return Long(r, 2) != 0 ? NonceCheck.AlreadyUsed : NonceCheck.Expired;
    }

    /// <inheritdoc/>
    public async Task<bool> AddReportAsync(StoredReport report, CancellationToken cancel = default)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        await using var tx = await db.BeginTransactionAsync(cancel);
        var id = report.ReportId.ToString();
        var first = report.Judgement.Assessments[0];
        var inserted = await Execute(db, tx, """
            INSERT INTO reports (report_id, agent_id, hostname, received_at, profile_id, attestation, pass, fail, error, not_applicable,
                                 waived, manual, rand_level, agent_rand_level, body, attestation_json, judgement)
            VALUES (@id, @agent, @host, @at, @profile, @att, @pass, @fail, @error, @na, @waived, @manual, @level, @agentLevel, @body, @attestation, @judgement)
            ON CONFLICT (report_id) DO NOTHING
            """, cancel, ("attestation", report.AttestationJson), ("judgement", System.Text.Json.JsonSerializer.Serialize(report.Judgement, JudgementJson)),
            ("id", id), ("agent", report.AgentId), ("host", report.ReportedName), ("at", Ms(report.ReceivedAt)), ("profile", report.ProfileId),
            ("att", report.Attestation), ("pass", (long)first.Passed), ("fail", (long)first.Failed), ("error", (long)first.Errors),
            ("na", (long)first.NotApplicable), ("waived", (long)first.Waived), ("manual", (long)first.Manual),
            ("level", report.Judgement.Rand.HostControlsMet), ("agentLevel", report.AgentRand), ("body", report.ReportJson));
        if (inserted == 0) return false;
        foreach (var assessment in report.Judgement.Assessments)
            await Execute(db, tx, """
                INSERT INTO report_assessments (report_id, agent_id, received_at, profile_id, fail, error, host_controls_met)
                VALUES (@id, @agent, @at, @profile, @fail, @error, @level)
                """, cancel, ("id", id), ("agent", report.AgentId), ("at", Ms(report.ReceivedAt)), ("profile", assessment.Profile),
                ("fail", (long)assessment.Failed), ("error", (long)assessment.Errors), ("level", report.Judgement.Rand.HostControlsMet));
        var latest = await Execute(db, tx, """
            UPDATE agents SET latest_report_id = @id, latest_received_at = @at, reported_name = @host
            WHERE agent_id = @agent AND (latest_received_at IS NULL OR latest_received_at <= @at)
            """, cancel, ("id", id), ("at", Ms(report.ReceivedAt)), ("host", report.ReportedName), ("agent", report.AgentId)) == 1;
        if (latest) await WriteJudgementAsync(db, tx, report.AgentId, report.Current, cancel);
        await tx.CommitAsync(cancel);
        return true;
    }

    /// <inheritdoc/>
    public async Task<(string AgentId, ReportRow Report)?> FindReportAsync(Guid reportId, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"SELECT r.agent_id, {ReportColumns} FROM reports r WHERE r.report_id = @id", ("id", reportId.ToString()));
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        return await r.ReadAsync(cancel) ? (r.GetString(0), ReadReport(r, 1)!) : null;
    }

    /// <inheritdoc/>
    public async Task<HostPage> ListHostsAsync(HostQuery query, CancellationToken cancel = default)
    {
        var pattern = LikePattern(query.Search);
        var where = pattern is null ? "" : "WHERE LOWER(a.hostname) LIKE @pattern ESCAPE '\\'";
        await using var db = await OpenAsync(cancel);
        int total;
        await using (var count = Command(db, null, $"SELECT COUNT(*) FROM agents a {where}", ("pattern", pattern)))
            total = (int)Convert.ToInt64(await count.ExecuteScalarAsync(cancel), System.Globalization.CultureInfo.InvariantCulture);
        await using var cmd = Command(db, null,
            $"SELECT {HostColumns} FROM {HostFrom} {where} ORDER BY a.hostname, a.agent_id LIMIT @limit OFFSET @offset",
            ("pattern", pattern), ("limit", (long)query.Limit), ("offset", (long)query.Offset));
        return new HostPage(total, await WithAssessmentsAsync(db, await ReadAll(cmd, ReadHost, cancel), cancel));
    }

    /// <inheritdoc/>
    public async Task<HostDetail?> GetHostAsync(string agentId, int historyLimit, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        HostRow host;
        await using (var cmd = Command(db, null, $"SELECT {HostColumns} FROM {HostFrom} WHERE a.agent_id = @id", ("id", agentId)))
        {
            var hosts = await WithAssessmentsAsync(db, await ReadAll(cmd, ReadHost, cancel), cancel);
            if (hosts.Count == 0) return null;
            host = hosts[0];
        }
        IReadOnlyList<CurrentVerdict> verdicts;
        await using (var cmd = Command(db, null,
                         "SELECT profile_id, control_id, status, severity FROM host_verdicts WHERE agent_id = @id ORDER BY profile_id, control_id", ("id", agentId)))
            verdicts = await ReadAll(cmd, r => new CurrentVerdict(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3)), cancel);
        IReadOnlyList<ReportRow> history;
        await using (var cmd = Command(db, null,
                         $"SELECT {ReportColumns} FROM reports r WHERE r.agent_id = @id ORDER BY r.received_at DESC LIMIT @limit", ("id", agentId), ("limit", (long)historyLimit)))
            history = await ReadAll(cmd, r => ReadReport(r, 0)!, cancel);
        await using var refusals = Command(db, null,
            "SELECT at, check_name, detail FROM attestation_events WHERE agent_id = @id ORDER BY at DESC LIMIT @limit", ("id", agentId), ("limit", (long)historyLimit));
        return new HostDetail(host, verdicts, history, await ReadAll(refusals, r => new Refusal(FromMs(Long(r, 0)), r.GetString(1), r.GetString(2)), cancel));
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<ControlVerdictOnHost>> ControlAcrossFleetAsync(string controlId, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, """
            SELECT a.agent_id, a.hostname, v.profile_id, v.status, a.judged_report_id, r.received_at
            FROM host_verdicts v JOIN agents a ON a.agent_id = v.agent_id JOIN reports r ON r.report_id = a.judged_report_id
            WHERE v.control_id = @c ORDER BY a.hostname, a.agent_id, v.profile_id
            """, ("c", controlId));
        return await ReadAll(cmd, r => new ControlVerdictOnHost(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), Guid.Parse(r.GetString(4)),
            FromMs(Long(r, 5))), cancel);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<CompliancePoint>> ComplianceOverTimeAsync(string profileId, DateTimeOffset since, CancellationToken cancel = default)
    {
        const long day = 86_400_000;
        await using var db = await OpenAsync(cancel);
        await using var cmd = Command(db, null, $"""
            SELECT d, host_controls_met, COUNT(*), SUM(CASE WHEN fail = 0 AND error = 0 THEN 1 ELSE 0 END)
            FROM (SELECT received_at / {day} AS d, host_controls_met, fail, error,
                         ROW_NUMBER() OVER (PARTITION BY agent_id, received_at / {day} ORDER BY received_at DESC) AS n
                  FROM report_assessments WHERE profile_id = @p AND received_at >= @since) last_of_day
            WHERE n = 1 GROUP BY d, host_controls_met ORDER BY d, host_controls_met
            """, ("p", profileId), ("since", Ms(since)));
        var rows = await ReadAll(cmd, r => (Day: Long(r, 0), Level: r.GetString(1), Hosts: (int)Long(r, 2), Compliant: (int)Long(r, 3)), cancel);
        return rows.GroupBy(x => x.Day).Select(g => new CompliancePoint(
            DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(g.Key * day).UtcDateTime), g.Sum(x => x.Hosts), g.Sum(x => x.Compliant),
            g.ToDictionary(x => x.Level, x => x.Hosts, StringComparer.Ordinal))).ToList();
    }

    /// <inheritdoc/>
    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    private static HostRow ReadHost(DbDataReader r) => new(r.GetString(0), r.GetString(1), FromMs(Long(r, 2)),
        r.IsDBNull(3) ? null : FromMs(Long(r, 3)), Long(r, 4) != 0, Long(r, 5) != 0, ReadReport(r, 14))
    {
        Rand = r.IsDBNull(6) ? null : new Core.Reports.RandStanding(r.GetString(6), r.GetString(7), (int)Long(r, 8)),
        PcrDrift = !r.IsDBNull(9) && Long(r, 9) != 0,
        JudgedUntil = r.IsDBNull(10) ? null : FromMs(Long(r, 10)),
        LastRefusal = r.IsDBNull(11) ? null : new Refusal(FromMs(Long(r, 11)), r.GetString(12), r.GetString(13)),
    };

    private static ReportRow? ReadReport(DbDataReader r, int at) => r.IsDBNull(at) ? null : new ReportRow(
        Guid.Parse(r.GetString(at)), FromMs(Long(r, at + 1)), r.GetString(at + 2), r.GetString(at + 3),
        System.Text.Json.JsonSerializer.Deserialize<ReportJudgement>(r.GetString(at + 4), JudgementJson)!, r.GetString(at + 5), r.GetString(at + 6));

    private async Task<int> Write(string sql, CancellationToken cancel, params (string Name, object? Value)[] parameters)
    {
        using var writer = await EnterWriterAsync(cancel);
        await using var db = await OpenAsync(cancel);
        return await Execute(db, null, sql, cancel, parameters);
    }

    private static async Task<int> Execute(DbConnection db, DbTransaction? tx, string sql, CancellationToken cancel,
        params (string Name, object? Value)[] parameters)
    {
        await using var cmd = Command(db, tx, sql, parameters);
        return await cmd.ExecuteNonQueryAsync(cancel);
    }

    private static async Task<IReadOnlyList<T>> ReadAll<T>(DbCommand cmd, Func<DbDataReader, T> read, CancellationToken cancel)
    {
        var list = new List<T>();
        await using var r = await cmd.ExecuteReaderAsync(cancel);
        while (await r.ReadAsync(cancel)) list.Add(read(r));
        return list;
    }

    private static DbCommand Command(DbConnection db, DbTransaction? tx, string sql, params (string Name, object? Value)[] parameters)
    {
        var cmd = db.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters) Add(cmd, name, value);
        return cmd;
    }

    private static void Add(DbCommand cmd, string name, object? value)
    {
        var p = cmd.CreateParameter();
        p.ParameterName = name;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
    }

    /// <summary>Integers come back as Int64 from SQLite and as Int32 or Int64 from PostgreSQL.</summary>
    private static long Long(DbDataReader r, int i) => Convert.ToInt64(r.GetValue(i), System.Globalization.CultureInfo.InvariantCulture);

    private static string? NullableString(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);
    private static byte[]? NullableBytes(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetFieldValue<byte[]>(i);
    private static long Flag(bool value) => value ? 1 : 0;
    private static long Ms(DateTimeOffset t) => t.ToUnixTimeMilliseconds();
    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
