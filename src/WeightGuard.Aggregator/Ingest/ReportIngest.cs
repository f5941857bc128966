using System.Text.Json;
using WeightGuard.Aggregator.Attestation;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Ingest;

/// <summary>
/// Accepts a report: binds it to the contract's shape, returns the stored outcome for a report already accepted from the
/// same agent, verifies its attestation, re-judges its evidence with the catalogue as judged now (stored waivers included)
/// under the profile the report names, and stores both verdicts. Agents' verdicts are kept for comparison, never served.
/// </summary>
public sealed class ReportIngest(IAggregatorStore store, JudgedCatalog judged, QuoteCheck quotes, TimeProvider time)
{
    /// <summary>Accepts <paramref name="body"/> (a <see cref="ReportSubmission"/>) from <paramref name="agent"/>.</summary>
    public async Task<SubmissionResult> SubmitAsync(AgentRecord agent, JsonElement body, CancellationToken cancel)
    {
        if (JsonBody.FirstNullArrayItem(body) is { } at) throw ProblemException.BadRequest($"{at} is null; no list in a submission may hold null");
        var submission = JsonBody.Bind(body, ProtocolJsonContext.Default.ReportSubmission);
        var report = submission.Report;
        if (report.Schema != Report.SchemaId) throw ProblemException.BadRequest($"report.schema is '{report.Schema}', not '{Report.SchemaId}'");

        if (await store.FindReportAsync(report.ReportId, cancel) is { } existing)
            return existing.AgentId == agent.AgentId
                ? new SubmissionResult(report.ReportId, true, existing.Report.Attestation, ToSummary(existing.Report.Summary))
                : throw new ProblemException(StatusCodes.Status409Conflict, "Conflict", $"report {report.ReportId} was submitted by another agent");

        var catalog = await judged.CurrentAsync(cancel);
        if (!catalog.Profiles.ContainsKey(report.Profile.Id))
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "Unknown profile",
                $"report.profile.id '{report.Profile.Id}' is not in this aggregator's catalogue");
        var reportElement = body.GetProperty("report");
        var attestation = await quotes.VerifyAsync(agent, submission.Attestation, reportElement, cancel);

        var now = time.GetUtcNow();
        var evaluation = Judge(catalog, report, now);
        var claimed = report.Results.GroupBy(r => r.ControlId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Status, StringComparer.Ordinal);
        var verdicts = evaluation.Results.Select(r => new StoredVerdict(r.ControlId, Kebab(r.Status),
            claimed.TryGetValue(r.ControlId, out var c) ? Kebab(c) : null, Kebab(r.Severity))).ToList();
        var s = evaluation.Summary;
        var stored = new StoredReport(report.ReportId, agent.AgentId, report.Host.Hostname, now, report.Profile.Id, attestation,
            new VerdictCounts(s.Pass, s.Fail, s.Error, s.NotApplicable, s.Waived, s.Manual, s.RandLevelAchieved),
            report.Summary.RandLevelAchieved, reportElement.GetRawText(), verdicts)
        {
            AttestationJson = submission.Attestation is null ? null : body.GetProperty("attestation").GetRawText(),
        };
        var inserted = await store.AddReportAsync(stored, cancel);
        return new SubmissionResult(report.ReportId, !inserted, attestation, s);
    }

    /// <summary>
    /// The aggregator's own verdicts. The typed binding enforces nullability on members, not on dictionary values deep
    /// in the evidence; a check that meets such a null is bad input, not an aggregator fault.
    /// </summary>
    private static Core.Evaluation.Evaluation Judge(Catalog catalog, Report report, DateTimeOffset now)
    {
        try { return Evaluator.Evaluate(catalog, report.Profile.Id, report.Evidence, now); }
        catch (NullReferenceException) { throw ProblemException.BadRequest("report.evidence holds null where a value is required"); }
    }

    private static Summary ToSummary(VerdictCounts c) => new()
    {
        Pass = c.Pass, Fail = c.Fail, Error = c.Error, NotApplicable = c.NotApplicable, Waived = c.Waived, Manual = c.Manual,
        RandLevelAchieved = c.RandLevelAchieved,
    };

    private static string Kebab<T>(T value) where T : struct, Enum => JsonNamingPolicy.KebabCaseLower.ConvertName(value.ToString());
}
