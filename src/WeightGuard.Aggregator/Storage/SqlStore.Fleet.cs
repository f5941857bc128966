using System.Data.Common;

namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// The fleet pages' reads (see the partial <see cref="IAggregatorStore"/>): every count is a GROUP BY over the current
/// judgements that ingest keeps (agents, host_assessments, host_verdicts), so a page costs the same whether it is read
/// once a day or once a second, and no host is re-judged or turned into an object to be counted.
/// </summary>
public abstract partial class SqlStore
{
    /// <summary>
    /// The order of strings compared as .NET's ordinal comparer does; PostgreSQL would otherwise use the database's locale.
    /// </summary>
    protected virtual string OrdinalCollation => "";

    /// <summary>Where the state words are ranked for sorting: <c>HostState.All</c>'s order, worst first.</summary>
    private const string StateRank =
        "CASE {0} WHEN 'failing' THEN 0 WHEN 'untrusted' THEN 1 WHEN 'stale' THEN 2 WHEN 'no-report' THEN 3 WHEN 'revoked' THEN 4 ELSE 5 END";

    /// <summary>
    /// A host's state in SQL, the same rules in the same order as <c>HostState.Of</c>: revoked, untrusted, no-report,
    /// stale, then failing when <paramref name="failing"/> holds, else compliant.
    /// </summary>
    private static string StateSql(string failing) => $"""
        CASE WHEN a.revoked_at IS NOT NULL THEN 'revoked'
             WHEN a.pcr_drift = 1 OR (a.last_refused_at IS NOT NULL AND (a.latest_report_id IS NULL OR a.last_refused_at > a.latest_received_at)) THEN 'untrusted'
             WHEN a.latest_report_id IS NULL THEN 'no-report'
             WHEN a.latest_received_at < @staleBefore THEN 'stale'
             WHEN {failing} THEN 'failing' ELSE 'compliant' END
        """;

    /// <summary>The state the query's filters and counts use: against its profile (joined as <c>f</c>) or the host's worst.</summary>
    private static string HostStateSql(FleetQuery q) =>
        StateSql(q.Profile is null ? "COALESCE(a.failed, 0) + COALESCE(a.errors, 0) > 0" : "f.fail + f.error > 0");

    /// <summary>The hosts <paramref name="q"/> admits: FROM and WHERE over <c>agents a</c> (with <c>f</c>, the profile's assessment).</summary>
    private static (string From, string Where, (string, object?)[] Parameters, bool FiltersHosts) FleetFilter(FleetQuery q)
    {
        var from = q.Profile is null ? "agents a" : "agents a JOIN host_assessments f ON f.agent_id = a.agent_id AND f.profile_id = @profile";
        var where = new List<string> { "1 = 1" };
        if (q.Level is not null) where.Add("a.host_controls_met = @level");
        if (q.Label is not null) where.Add("EXISTS (SELECT 1 FROM host_labels l WHERE l.agent_id = a.agent_id AND l.label = @label)");
        if (q.Search is not null) where.Add("LOWER(a.hostname) LIKE @pattern ESCAPE '\\'");
        if (q.State is not null) where.Add($"{HostStateSql(q)} = @state");
        // Staleness is "received before now - staleAfter"; the cut-off is rounded up to the millisecond the columns keep.
        var cutoff = q.Now - q.StaleAfter;
        var staleBefore = cutoff.ToUnixTimeMilliseconds() + (cutoff.UtcTicks % TimeSpan.TicksPerMillisecond == 0 ? 0 : 1);
        return (from, string.Join(" AND ", where),
            [("profile", q.Profile), ("level", q.Level), ("label", q.Label), ("pattern", LikePattern(q.Search)), ("state", q.State), ("staleBefore", staleBefore)],
            q.Level is not null || q.Label is not null || q.Search is not null || q.State is not null);
    }

    /// <summary>A LIKE pattern matching names that contain <paramref name="search"/>, any case, in both databases (with ESCAPE '\').</summary>
    private static string? LikePattern(string? search) => search is null ? null
        : "%" + search.ToLowerInvariant().Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal)
            .Replace("_", "\\_", StringComparison.Ordinal) + "%";

    /// <inheritdoc/>
    public async Task<FleetCounts> FleetCountsAsync(FleetQuery query, CancellationToken cancel = default)
    {
        var (from, where, parameters, filtersHosts) = FleetFilter(query);
        await using var db = await OpenAsync(cancel);
        int total;
        await using (var cmd = Command(db, null, "SELECT COUNT(*) FROM agents"))
            total = (int)Convert.ToInt64(await cmd.ExecuteScalarAsync(cancel), System.Globalization.CultureInfo.InvariantCulture);

        // One pass over the admitted hosts: per state, RAND levels and assignment.
        var states = new Dictionary<string, int>(StringComparer.Ordinal);
        var met = new Dictionary<string, int>(StringComparer.Ordinal);
        var attested = new Dictionary<string, int>(StringComparer.Ordinal);
        var unassigned = 0;
        await using (var cmd = Command(db, null, $"""
                         SELECT {HostStateSql(query)}, a.host_controls_met, a.attested_level, COALESCE(a.unassigned, 0), COUNT(*)
                         FROM {from} WHERE {where} GROUP BY 1, 2, 3, 4
                         """, parameters))
            foreach (var (state, level, attestedLevel, isUnassigned, hosts) in await ReadAll(cmd, r => (r.GetString(0), NullableString(r, 1),
                         NullableString(r, 2), Long(r, 3) != 0, (int)Long(r, 4)), cancel))
            {
                states[state] = states.GetValueOrDefault(state) + hosts;
                if (level is not null) met[level] = met.GetValueOrDefault(level) + hosts;
                if (attestedLevel is not null) attested[attestedLevel] = attested.GetValueOrDefault(attestedLevel) + hosts;
                if (isUnassigned) unassigned += hosts;
            }

        var profiles = new SortedDictionary<string, Dictionary<string, int>>(StringComparer.Ordinal);
        await using (var cmd = Command(db, null, $"""
                         SELECT ha.profile_id, {StateSql("ha.fail + ha.error > 0")}, COUNT(*)
                         FROM {from} JOIN host_assessments ha ON ha.agent_id = a.agent_id
                         WHERE {where}{(query.Profile is null ? "" : " AND ha.profile_id = @profile")} GROUP BY 1, 2
                         """, parameters))
            foreach (var (profile, state, hosts) in await ReadAll(cmd, r => (r.GetString(0), r.GetString(1), (int)Long(r, 2)), cancel))
                (profiles.TryGetValue(profile, out var perState) ? perState : profiles[profile] = new(StringComparer.Ordinal))[state] = hosts;

        // Without a host filter the failing verdicts are counted straight from their index, no host joined.
        var profileOnly = query.Profile is null ? "" : " AND v.profile_id = @profile";
        var failingSql = filtersHosts
            ? $"""
              SELECT v.control_id, MIN(v.severity), COUNT(DISTINCT CASE WHEN v.status = 'fail' THEN v.agent_id END),
                     COUNT(DISTINCT CASE WHEN v.status = 'error' THEN v.agent_id END)
              FROM {from} JOIN host_verdicts v ON v.agent_id = a.agent_id
              WHERE {where} AND v.status IN ('fail', 'error'){profileOnly} GROUP BY v.control_id
              """
            : $"""
              SELECT v.control_id, MIN(v.severity), COUNT(DISTINCT CASE WHEN v.status = 'fail' THEN v.agent_id END),
                     COUNT(DISTINCT CASE WHEN v.status = 'error' THEN v.agent_id END)
              FROM host_verdicts v WHERE v.status IN ('fail', 'error'){profileOnly} GROUP BY v.control_id
              """;
        IReadOnlyList<FailingControl> failing;
        await using (var cmd = Command(db, null, failingSql, parameters))
            failing = await ReadAll(cmd, r => new FailingControl(r.GetString(0), r.GetString(1), (int)Long(r, 2), (int)Long(r, 3)), cancel);

        var unreported = new List<UnreportedHost>();
        if (query.Profile is null)
        {
            await using var cmd = Command(db, null, $"SELECT a.agent_id, a.hostname FROM {from} WHERE {where} AND a.latest_report_id IS NULL", parameters);
            var rows = await ReadAll(cmd, r => new HostRow(r.GetString(0), r.GetString(1), default, null, false, false, null), cancel);
            unreported.AddRange((await WithAssessmentsAsync(db, rows, cancel)).Select(h => new UnreportedHost(h.AgentId, h.Hostname, h.Labels)));
        }

        IReadOnlyList<string> labels, judged;
        await using (var cmd = Command(db, null, "SELECT DISTINCT label FROM host_labels"))
            labels = (await ReadAll(cmd, r => r.GetString(0), cancel)).Order(StringComparer.Ordinal).ToList();
        await using (var cmd = Command(db, null, "SELECT DISTINCT profile_id FROM host_assessments"))
            judged = (await ReadAll(cmd, r => r.GetString(0), cancel)).Order(StringComparer.Ordinal).ToList();

        return new FleetCounts(total, states.Values.Sum(), states, met, attested,
            profiles.Select(p => new ProfileCounts(p.Key, p.Value.Values.Sum(), p.Value)).ToList(), unassigned, unreported, failing, labels, judged);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<HostRow>> FleetHostsAsync(FleetQuery query, FleetOrder order, int offset, int limit, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        // The page's ids are ordered from the agents alone; only then are the page's reports read. Sorting rows that
        // carry report columns makes SQLite read every host's report (past its body) before it can keep a page.
        var ids = await FleetIdsAsync(db, query, order, offset, limit, cancel);
        var rows = new Dictionary<string, HostRow>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(HostsPerQuery))
        {
            await using var cmd = Command(db, null, $"SELECT {HostColumns} FROM {HostFrom} WHERE a.agent_id IN ({string.Join(", ", chunk.Select((_, i) => "@h" + i))})",
                chunk.Select((id, i) => ("h" + i, (object?)id)).ToArray());
            foreach (var host in await ReadAll(cmd, ReadHost, cancel)) rows[host.AgentId] = host;
        }
        return await WithAssessmentsAsync(db, ids.Select(id => rows[id]).ToList(), cancel);
    }

    /// <inheritdoc/>
    public async Task<IReadOnlyList<string>> FleetHostIdsAsync(FleetQuery query, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        return await FleetIdsAsync(db, query, new FleetOrder(), 0, int.MaxValue, cancel);
    }

    /// <summary>The ids of up to <paramref name="limit"/> hosts <paramref name="query"/> admits, in <paramref name="order"/>, after <paramref name="offset"/>.</summary>
    private async Task<IReadOnlyList<string>> FleetIdsAsync(DbConnection db, FleetQuery query, FleetOrder order, int offset, int limit, CancellationToken cancel)
    {
        var (from, where, parameters, _) = FleetFilter(query);
        var (asc, desc) = order.Descending ? ("DESC", "ASC") : ("ASC", "DESC");
        var column = order.Column switch
        {
            "state" => $"{string.Format(System.Globalization.CultureInfo.InvariantCulture, StateRank, HostStateSql(query))} {asc}, ",
            "rand" => $"COALESCE(a.host_controls_met, ''){OrdinalCollation} {desc}, ",
            "attested" => $"COALESCE(a.attested_level, ''){OrdinalCollation} {desc}, ",
            "failed" => $"{(query.Profile is null ? "COALESCE(a.failed, 0)" : "f.fail")} {desc}, ",
            "errors" => $"{(query.Profile is null ? "COALESCE(a.errors, 0)" : "f.error")} {desc}, ",
            "last" => $"COALESCE(a.latest_received_at, -1) {desc}, ",
            _ => "",
        };
        await using var cmd = Command(db, null, $"""
            SELECT a.agent_id FROM {from} WHERE {where}
            ORDER BY {column}UPPER(a.hostname){OrdinalCollation} {asc}, a.agent_id{OrdinalCollation} {asc} LIMIT @limit OFFSET @offset
            """, [.. parameters, ("limit", (long)limit), ("offset", (long)offset)]);
        return await ReadAll(cmd, r => r.GetString(0), cancel);
    }

    /// <inheritdoc/>
    public async Task<ControlVerdictPage> ControlVerdictsAsync(string controlId, string? status, int offset, int limit, CancellationToken cancel = default)
    {
        await using var db = await OpenAsync(cancel);
        Dictionary<string, int> statuses;
        await using (var cmd = Command(db, null, "SELECT status, COUNT(*) FROM host_verdicts WHERE control_id = @c GROUP BY status", ("c", controlId)))
            statuses = (await ReadAll(cmd, r => (r.GetString(0), (int)Long(r, 1)), cancel)).ToDictionary(x => x.Item1, x => x.Item2, StringComparer.Ordinal);
        // The page's hosts first (by name, from the hostname index), then only their reports' times.
        await using var page = Command(db, null, $"""
            SELECT p.agent_id, p.hostname, p.profile_id, p.status, p.judged_report_id, r.received_at
            FROM (SELECT a.agent_id, a.hostname, v.profile_id, v.status, a.judged_report_id
                  FROM host_verdicts v JOIN agents a ON a.agent_id = v.agent_id
                  WHERE v.control_id = @c{(status is null ? "" : " AND v.status = @s")}
                  ORDER BY a.hostname, a.agent_id, v.profile_id LIMIT @limit OFFSET @offset) p
            JOIN reports r ON r.report_id = p.judged_report_id ORDER BY p.hostname, p.agent_id, p.profile_id
            """, ("c", controlId), ("s", status), ("limit", (long)limit), ("offset", (long)offset));
        var verdicts = await ReadAll(page, r => new ControlVerdictOnHost(r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3),
            Guid.Parse(r.GetString(4)), FromMs(Long(r, 5))), cancel);
        return new ControlVerdictPage(statuses, status is null ? statuses.Values.Sum() : statuses.GetValueOrDefault(status), verdicts);
    }
}
