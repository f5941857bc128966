using System.Text.Json;
using WeightGuard.Aggregator.Alerts;
using WeightGuard.Aggregator.Attestation;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Evidence;

namespace WeightGuard.Aggregator.Ingest;

/// <summary>
/// Accepts a report: binds it to the contract's shape, returns the stored outcome for a report already accepted from the
/// same agent, verifies its attestation (recording a refusal when it does not hold), judges its evidence for the host's
/// enrolled identity against every profile the policy assigns it, and stores the report with that judgement. The profile
/// the agent scanned with plays no part: the host never picks its own bar. Agents' verdicts are kept, never served.
/// </summary>
public sealed class ReportIngest(IAggregatorStore store, FleetJudge judge, QuoteCheck quotes, HostAlerts alerts, TimeProvider time)
{
    /// <summary>Longest host name a report may give (a DNS name's length).</summary>
    public const int MaxReportedName = 253;

    /// <summary>Accepts <paramref name="body"/> (a <see cref="ReportSubmission"/>) from <paramref name="agent"/>.</summary>
    public async Task<SubmissionResult> SubmitAsync(AgentRecord agent, JsonElement body, CancellationToken cancel)
    {
        if (JsonBody.FirstNullArrayItem(body) is { } at) throw ProblemException.BadRequest($"{at} is null; no list in a submission may hold null");
        var submission = JsonBody.Bind(body, ProtocolJsonContext.Default.ReportSubmission);
        var report = submission.Report;
        if (report.Schema != Report.SchemaId) throw ProblemException.BadRequest($"report.schema is '{report.Schema}', not '{Report.SchemaId}'");
        if (report.Host.Hostname is not { Length: > 0 and <= MaxReportedName } name || name.Any(char.IsControl))
            throw ProblemException.BadRequest($"report.host.hostname must be 1 to {MaxReportedName} characters without control characters");
        if (report.Profile.Id is not { Length: > 0 and <= 64 } scanned || !scanned.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw ProblemException.BadRequest("report.profile.id must be 1 to 64 characters of a-z, 0-9 and '-'");

        if (await store.FindReportAsync(report.ReportId, cancel) is { } existing)
            return existing.AgentId == agent.AgentId
                ? new SubmissionResult(report.ReportId, true, existing.Report.Attestation, existing.Report.Judgement.Rand)
                : throw new ProblemException(StatusCodes.Status409Conflict, "Conflict", $"report {report.ReportId} was submitted by another agent");

        var reportElement = body.GetProperty("report");
        string attestation;
        AttestationCheck? check;
        try { (attestation, check) = await quotes.VerifyAsync(agent, submission.Attestation, reportElement, cancel); }
        catch (AttestationRefusedException refused)
        {
            await store.AddRefusalAsync(agent.AgentId, new Refusal(time.GetUtcNow(), refused.Check, refused.Problem.Message), cancel);
            await alerts.AfterSubmissionAsync(agent.AgentId, null, cancel);
            throw refused.Problem;
        }

        var now = time.GetUtcNow();
        var attestationJson = submission.Attestation is null ? null : body.GetProperty("attestation").GetRawText();
        var drift = attestationJson is not null
            && await judge.DriftAsync(agent.AgentId, new StoredReportBody(report.ReportId, agent.AgentId, now, report.Profile.Id, "", attestationJson), cancel);
        var labels = await store.LabelsOfAsync(agent.AgentId, cancel);
        // Judged on the Secure Boot state the TPM attests, not the agent's word; the stored report stays as submitted.
        var attested = check is null ? report : report with { Evidence = AttestedBoot.Apply(report.Evidence, check) };
        var judged = Judge(await judge.InputsAsync(cancel), new HostSubject(agent.Hostname, labels), attested, now, drift);
        var stored = new StoredReport(report.ReportId, agent.AgentId, name, now, report.Profile.Id, attestation, judged.AtReceipt,
            report.Summary.Rand.HostControlsMet, reportElement.GetRawText(), judged.Current)
        {
            AttestationJson = attestationJson,
        };
        var inserted = await store.AddReportAsync(stored, cancel);
        if (inserted) await alerts.AfterSubmissionAsync(agent.AgentId, report, cancel);
        return new SubmissionResult(report.ReportId, !inserted, attestation, judged.Current.Rand);
    }

    /// <summary>
    /// The aggregator's own judgement. The typed binding enforces nullability on members, not on dictionary values deep
    /// in the evidence; a check that meets such a null is bad input, not an aggregator fault.
    /// </summary>
    private static JudgedReport Judge(JudgementInputs inputs, HostSubject host, Report report, DateTimeOffset now, bool drift)
    {
        try { return FleetJudge.Judge(inputs, host, report.ReportId, report, now, drift); }
        catch (NullReferenceException) { throw ProblemException.BadRequest("report.evidence holds null where a value is required"); }
    }
}
