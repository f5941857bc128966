namespace WeightGuard.Aggregator.Storage;

/// <summary>
/// The schema, one step per version, applied in order and recorded in <c>schema_migrations</c>. The SQL is written once
/// for both databases: times are Unix milliseconds (BIGINT), flags are 0/1, and BYTEA holds bytes (SQLite keeps blobs
/// as they are under any declared type). Never edit a released step; add one.
/// </summary>
internal static class Migrations
{
    /// <summary>The steps, by version.</summary>
    public static IReadOnlyList<(int Version, string Sql)> Steps { get; } =
    [
        (1, """
            CREATE TABLE enrollment_tokens (
              secret_hash TEXT PRIMARY KEY, expires_at BIGINT NOT NULL, uses_left BIGINT NOT NULL);
            CREATE TABLE pending_enrollments (
              enrollment_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, hostname TEXT NOT NULL, machine_id TEXT,
              ak_public BYTEA NOT NULL, ek_certified BIGINT NOT NULL, csr TEXT NOT NULL, credential_hash BYTEA NOT NULL,
              expires_at BIGINT NOT NULL);
            CREATE TABLE agents (
              agent_id TEXT PRIMARY KEY, hostname TEXT NOT NULL, machine_id TEXT, ak_public BYTEA, ek_certified BIGINT NOT NULL,
              enrolled_at BIGINT NOT NULL, revoked_at BIGINT, latest_report_id TEXT, latest_received_at BIGINT);
            CREATE INDEX agents_by_hostname ON agents (hostname, agent_id);
            CREATE TABLE nonces (
              nonce TEXT PRIMARY KEY, agent_id TEXT NOT NULL, expires_at BIGINT NOT NULL, used BIGINT NOT NULL);
            CREATE INDEX nonces_expiry ON nonces (expires_at);
            CREATE TABLE reports (
              report_id TEXT PRIMARY KEY, agent_id TEXT NOT NULL, hostname TEXT NOT NULL, received_at BIGINT NOT NULL,
              profile_id TEXT NOT NULL, attestation TEXT NOT NULL, pass BIGINT NOT NULL, fail BIGINT NOT NULL,
              error BIGINT NOT NULL, not_applicable BIGINT NOT NULL, waived BIGINT NOT NULL, manual BIGINT NOT NULL,
              rand_level TEXT NOT NULL, agent_rand_level TEXT NOT NULL, body TEXT NOT NULL);
            CREATE INDEX reports_by_agent ON reports (agent_id, received_at);
            CREATE INDEX reports_by_profile ON reports (profile_id, received_at);
            CREATE TABLE verdicts (
              report_id TEXT NOT NULL, control_id TEXT NOT NULL, status TEXT NOT NULL, agent_status TEXT,
              severity TEXT NOT NULL, PRIMARY KEY (report_id, control_id));
            CREATE TABLE api_tokens (
              token_hash TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, created_at BIGINT NOT NULL);
            """),
        (2, """
            ALTER TABLE agents ADD COLUMN ek_public BYTEA;
            ALTER TABLE agents ADD COLUMN ek_certificate BYTEA;
            ALTER TABLE pending_enrollments ADD COLUMN ek_public BYTEA;
            ALTER TABLE pending_enrollments ADD COLUMN ek_certificate BYTEA;
            ALTER TABLE reports ADD COLUMN attestation_json TEXT;
            CREATE TABLE host_labels (agent_id TEXT NOT NULL, label TEXT NOT NULL, PRIMARY KEY (agent_id, label));
            CREATE TABLE pcr_baselines (agent_id TEXT PRIMARY KEY, report_id TEXT NOT NULL, set_by TEXT NOT NULL, set_at BIGINT NOT NULL);
            CREATE TABLE bundle_exports (manifest_sha256 TEXT NOT NULL, created_at BIGINT NOT NULL, made_by TEXT NOT NULL);
            CREATE INDEX verdicts_failing ON verdicts (report_id, status, control_id, severity) WHERE status IN ('fail', 'error');
            """),
        (3, """
            CREATE TABLE waivers (
              waiver_id TEXT PRIMARY KEY, control_id TEXT NOT NULL, host_pattern TEXT NOT NULL, justification TEXT NOT NULL,
              approver TEXT NOT NULL, expires TEXT NOT NULL, created_at BIGINT NOT NULL);
            """),
        // The fleet verdict decided centrally: the policy, manual attestations, refused submissions, and the current
        // judgement of every host's latest report per assigned profile. The report columns pass..manual and rand_level
        // now hold the first assigned profile's counts and the host-controls-met level; the judgement column holds all.
        (4, """
            ALTER TABLE agents ADD COLUMN reported_name TEXT;
            ALTER TABLE agents ADD COLUMN host_controls_met TEXT;
            ALTER TABLE agents ADD COLUMN attested_level TEXT;
            ALTER TABLE agents ADD COLUMN pending_attestations BIGINT;
            ALTER TABLE agents ADD COLUMN pcr_drift BIGINT;
            ALTER TABLE agents ADD COLUMN judged_report_id TEXT;
            ALTER TABLE agents ADD COLUMN judged_until BIGINT;
            ALTER TABLE agents ADD COLUMN last_refused_at BIGINT;
            ALTER TABLE agents ADD COLUMN last_refusal_check TEXT;
            ALTER TABLE agents ADD COLUMN last_refusal_detail TEXT;
            CREATE INDEX agents_judged_until ON agents (judged_until);
            ALTER TABLE reports ADD COLUMN judgement TEXT;
            ALTER TABLE waivers ADD COLUMN labels TEXT;
            ALTER TABLE waivers ADD COLUMN withdrawn_at BIGINT;
            CREATE TABLE host_assessments (
              agent_id TEXT NOT NULL, profile_id TEXT NOT NULL, assigned BIGINT NOT NULL, pass BIGINT NOT NULL, fail BIGINT NOT NULL,
              error BIGINT NOT NULL, not_applicable BIGINT NOT NULL, waived BIGINT NOT NULL, manual BIGINT NOT NULL, attested BIGINT NOT NULL,
              PRIMARY KEY (agent_id, profile_id));
            CREATE TABLE host_verdicts (
              agent_id TEXT NOT NULL, profile_id TEXT NOT NULL, control_id TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL,
              PRIMARY KEY (agent_id, profile_id, control_id));
            CREATE INDEX host_verdicts_by_control ON host_verdicts (control_id, agent_id);
            CREATE INDEX host_verdicts_failing ON host_verdicts (status, control_id) WHERE status IN ('fail', 'error');
            CREATE TABLE report_assessments (
              report_id TEXT NOT NULL, agent_id TEXT NOT NULL, received_at BIGINT NOT NULL, profile_id TEXT NOT NULL,
              fail BIGINT NOT NULL, error BIGINT NOT NULL, host_controls_met TEXT NOT NULL, PRIMARY KEY (report_id, profile_id));
            CREATE INDEX report_assessments_by_profile ON report_assessments (profile_id, received_at);
            CREATE TABLE fleet_policy (policy_id BIGINT PRIMARY KEY, body TEXT NOT NULL, updated_at BIGINT NOT NULL, updated_by TEXT NOT NULL);
            CREATE TABLE manual_attestations (
              attestation_id TEXT PRIMARY KEY, control_id TEXT NOT NULL, hosts TEXT, labels TEXT NOT NULL, statement TEXT NOT NULL,
              evidence_ref TEXT, attestor TEXT NOT NULL, recorded_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, withdrawn_at BIGINT);
            CREATE TABLE attestation_events (
              agent_id TEXT NOT NULL, at BIGINT NOT NULL, check_name TEXT NOT NULL, detail TEXT NOT NULL);
            CREATE INDEX attestation_events_by_agent ON attestation_events (agent_id, at);
            """),
        // API-token lifecycle: an id to list and revoke by, expiry (tokens from before it expire 90 days after creation), last use.
        (5, """
            ALTER TABLE api_tokens ADD COLUMN token_id TEXT;
            ALTER TABLE api_tokens ADD COLUMN expires_at BIGINT;
            ALTER TABLE api_tokens ADD COLUMN revoked_at BIGINT;
            ALTER TABLE api_tokens ADD COLUMN last_used_at BIGINT;
            UPDATE api_tokens SET token_id = SUBSTR(token_hash, 1, 16), expires_at = created_at + 7776000000;
            CREATE UNIQUE INDEX api_tokens_by_id ON api_tokens (token_id);
            CREATE INDEX api_tokens_by_name ON api_tokens (name);
            """),
        // The append-only, hash-chained audit log of privileged actions.
        (6, """
            CREATE TABLE audit_log (
              seq BIGINT PRIMARY KEY, at BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
              details TEXT NOT NULL, source TEXT NOT NULL, previous_sha256 TEXT NOT NULL, sha256 TEXT NOT NULL);
            """),
        // Counting an agent's outstanding nonces at issue.
        (7, "CREATE INDEX nonces_by_agent ON nonces (agent_id, used, expires_at);"),
        // Alerts: what the watch last saw of each host (compare-and-set by version), the alerts raised, their delivery per sink.
        (8, """
            CREATE TABLE host_alert_states (
              agent_id TEXT PRIMARY KEY, version BIGINT NOT NULL, state TEXT NOT NULL, profiles TEXT NOT NULL, pcr_drift BIGINT NOT NULL,
              last_refused_at BIGINT, stray_paths TEXT NOT NULL, observed_at BIGINT NOT NULL);
            CREATE TABLE alerts (
              alert_id TEXT PRIMARY KEY, at BIGINT NOT NULL, agent_id TEXT NOT NULL, hostname TEXT NOT NULL, type TEXT NOT NULL,
              severity TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL, body TEXT NOT NULL);
            CREATE INDEX alerts_by_time ON alerts (at);
            CREATE TABLE alert_deliveries (
              alert_id TEXT NOT NULL, sink TEXT NOT NULL, status TEXT NOT NULL, attempts BIGINT NOT NULL, detail TEXT, updated_at BIGINT NOT NULL,
              PRIMARY KEY (alert_id, sink));
            """),
        // Several instances on one database: the data-protection key ring (encrypted elements) that protects dashboard
        // sessions, and the fixed-window counters of the rate limits that protect secrets.
        (9, """
            CREATE TABLE data_protection_keys (element_id TEXT PRIMARY KEY, xml TEXT NOT NULL, stored_at BIGINT NOT NULL);
            CREATE TABLE throttle_counters (
              scope TEXT NOT NULL, subject TEXT NOT NULL, window_end BIGINT NOT NULL, hits BIGINT NOT NULL, PRIMARY KEY (scope, subject));
            CREATE INDEX throttle_counters_expiry ON throttle_counters (window_end);
            """),
        // The fleet pages read counts: each host's failed and erred controls over its profiles and whether any profile is
        // assigned it, kept with its current judgement; indexes for the filters and for counting failing controls per host.
        (10, """
            ALTER TABLE agents ADD COLUMN failed BIGINT;
            ALTER TABLE agents ADD COLUMN errors BIGINT;
            ALTER TABLE agents ADD COLUMN unassigned BIGINT;
            UPDATE agents SET
              failed = (SELECT SUM(h.fail) FROM host_assessments h WHERE h.agent_id = agents.agent_id),
              errors = (SELECT SUM(h.error) FROM host_assessments h WHERE h.agent_id = agents.agent_id),
              unassigned = (SELECT CASE WHEN MAX(h.assigned) = 0 THEN 1 ELSE 0 END FROM host_assessments h WHERE h.agent_id = agents.agent_id)
            WHERE judged_report_id IS NOT NULL;
            CREATE INDEX host_verdicts_failing_hosts ON host_verdicts (status, control_id, agent_id, profile_id, severity) WHERE status IN ('fail', 'error');
            CREATE INDEX host_assessments_by_profile ON host_assessments (profile_id, agent_id);
            CREATE INDEX host_labels_by_label ON host_labels (label, agent_id);
            CREATE INDEX agents_by_lower_name ON agents (LOWER(hostname)) WHERE revoked_at IS NULL;
            """),
    ];
}
