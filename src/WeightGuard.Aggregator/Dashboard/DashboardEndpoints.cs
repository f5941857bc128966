using WeightGuard.Core;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Dashboard.Pages;
using WeightGuard.Aggregator.Export;
using WeightGuard.Aggregator.Attestations;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// The security leads' dashboard under <c>/dashboard</c>: server-rendered pages (one small renderer per page, no
/// scripts), signed in with an API token, each route guarded by the role policy it needs.
/// </summary>
public static class DashboardEndpoints
{
    private const int MaxLabels = 20;
    private const int MaxLabelLength = 64;
    private const int HostHistory = 20;
    private const int TrendDays = 30;

    private static readonly Lazy<byte[]> Stylesheet = new(() =>
    {
        using var stream = typeof(DashboardEndpoints).Assembly.GetManifestResourceStream("dashboard/dashboard.css")!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        return buffer.ToArray();
    });

    /// <summary>Adds the dashboard's authentication, policies, antiforgery and the evidence export.</summary>
    public static void AddServices(IServiceCollection services, AggregatorSettings settings)
    {
        DashboardAuthentication.Add(services);
        services.AddSingleton(settings.Data);
        services.AddSingleton(settings.CatalogFiles ?? CatalogFiles.Embedded(typeof(DashboardEndpoints).Assembly));
        services.AddSingleton<EvidenceExport>();
    }

    /// <summary>Maps the dashboard's routes.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet(DashboardPaths.Stylesheet, (HttpContext http) =>
        {
            HtmlPage.SecurityHeaders(http.Response);
            http.Response.Headers.CacheControl = "public, max-age=3600";
            return Results.Bytes(Stylesheet.Value, "text/css; charset=utf-8");
        });
        app.MapGet(DashboardPaths.PrintStylesheet, (HttpContext http, TimeProvider time) =>
        {
            HtmlPage.SecurityHeaders(http.Response);
            return Results.Text(PrintStamp.Stylesheet(time.GetUtcNow()), "text/css; charset=utf-8");
        });
        app.MapGet(DashboardPaths.Favicon, (HttpContext http) =>
        {
            HtmlPage.SecurityHeaders(http.Response);
            http.Response.Headers.CacheControl = "public, max-age=86400";
            return Results.Text(Favicon.Svg, "image/svg+xml");
        });
        app.MapGet("/", () => Results.Redirect(DashboardPaths.Root));
        app.MapGet(DashboardPaths.SignIn, (HttpContext http, string? returnUrl) => new HtmlPage(SignInPage.Render(http, returnUrl, null)));
        app.MapPost(DashboardPaths.SignIn, SignInAsync);

        var viewer = app.MapGroup(DashboardPaths.Root).RequireAuthorization(DashboardAuthentication.Policy(Roles.Viewer));
        viewer.MapPost("/sign-out", async (HttpContext http) =>
        {
            if (await ReadFormAsync(http) is null) return BadForm(http);
            await http.SignOutAsync(DashboardAuthentication.Scheme);
            return Results.Redirect(DashboardPaths.SignIn);
        });
        viewer.MapGet("", OverviewAsync);
        viewer.MapGet("/hosts/{agentId}", HostAsync);
        viewer.MapGet("/reports/{reportId:guid}", ReportAsync);
        viewer.MapGet("/hosts.csv", async (HttpContext http, FleetStatus status, IAggregatorStore store, CancellationToken cancel) =>
        {
            var fleet = await FleetView.LoadAsync(status, store, FleetView.FilterFrom(http.Request), 1, int.MaxValue, cancel);
            return Results.File(System.Text.Encoding.UTF8.GetBytes(fleet.ToCsv()), "text/csv; charset=utf-8", "weightguard-hosts.csv");
        });
        viewer.MapGet("/controls/{controlId}", async (HttpContext http, string controlId, string? status, int? page, Catalog catalog, IAggregatorStore store,
            FleetJudge judge, CancellationToken cancel) =>
        {
            if (!catalog.Controls.TryGetValue(controlId, out var control))
                return MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such control", $"This aggregator's catalogue has no control {controlId}.");
            await judge.RefreshDueAsync(cancel);
            var shown = status is { Length: > 0 } ? status : null;
            var at = Math.Max(1, page ?? 1);
            var verdicts = await store.ControlVerdictsAsync(controlId, shown, (int)Math.Min(int.MaxValue, (at - 1L) * ControlPage.PageSize), ControlPage.PageSize, cancel);
            return new HtmlPage(ControlPage.Render(http, control, verdicts, shown, at));
        });
        viewer.MapGet("/policy", async (HttpContext http, IAggregatorStore store, FleetJudge judge, CancellationToken cancel) =>
            new HtmlPage(PolicyPage.Render(http, PolicyEndpoints.View(await judge.PolicyAsync(cancel), await store.GetPolicyAsync(cancel)), null, null)));
        viewer.MapGet("/attestations", async (HttpContext http, Catalog catalog, IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
            new HtmlPage(AttestationsPage.Render(http, catalog, await AttestationViewsAsync(store, time, cancel), null, null)));

        var auditor = app.MapGroup(DashboardPaths.Export).RequireAuthorization(DashboardAuthentication.Policy(Roles.Auditor));
        auditor.MapGet("", async (HttpContext http, IAggregatorStore store, CertificateAuthority ca, CancellationToken cancel) =>
            new HtmlPage(ExportPage.Render(http, await ExportPageModelAsync(store, ca, cancel), null)));
        auditor.MapPost("", ExportAsync);
        auditor.MapGet("/ca.crt", (HttpContext http, CertificateAuthority ca) =>
        {
            HtmlPage.SecurityHeaders(http.Response);
            return Results.File(System.Text.Encoding.ASCII.GetBytes(ca.CertificatePem), "application/x-pem-file", "ca.crt");
        });
        app.MapGet(DashboardPaths.Audit, async (HttpContext http, long? before, IAggregatorStore store, CancellationToken cancel) =>
                new HtmlPage(AuditPage.Render(http, await store.AuditBeforeAsync(before is > 0 ? before.Value : long.MaxValue, AuditPage.PageSize, cancel))))
            .RequireAuthorization(DashboardAuthentication.Policy(Roles.Auditor));

        var admin = app.MapGroup(DashboardPaths.Root).RequireAuthorization(DashboardAuthentication.Policy(Roles.Admin));
        admin.MapGet("/waivers", async (HttpContext http, Catalog catalog, IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
            new HtmlPage(WaiversPage.Render(http, catalog, await store.ListWaiversAsync(cancel), time.GetUtcNow(), null, null)));
        admin.MapPost("/waivers", AddWaiverAsync);
        admin.MapPost("/waivers/{waiverId:guid}/delete", DeleteWaiverAsync);
        admin.MapPost("/policy", ApplyPolicyAsync);
        var attestor = app.MapGroup(DashboardPaths.Attestations).RequireAuthorization(DashboardAuthentication.Policy(Roles.Auditor));
        attestor.MapPost("", AddAttestationAsync);
        attestor.MapPost("/{attestationId:guid}/withdraw", WithdrawAttestationAsync);
        admin.MapPost("/hosts/{agentId}/labels", SetLabelsAsync);
        admin.MapGet("/hosts/{agentId}/baseline", async (HttpContext http, string agentId, Guid? reportId, IAggregatorStore store, CancellationToken cancel) =>
            await BaselineChangeAsync(store, agentId, reportId, cancel) is { } change ? HostChangePages.ConfirmBaseline(http, change.Agent, change.Current, change.Candidate) : BaselineRefused(http));
        admin.MapPost("/hosts/{agentId}/baseline", SetBaselineAsync);
        admin.MapGet("/hosts/{agentId}/revoke", async (HttpContext http, string agentId, IAggregatorStore store, CancellationToken cancel) =>
            await store.GetAgentAsync(agentId, cancel) is { } agent ? HostChangePages.ConfirmRevoke(http, agent) : NoSuchHost(http, agentId));
        admin.MapPost("/hosts/{agentId}/revoke", RevokeHostAsync);
        admin.MapGet("/api-tokens", async (HttpContext http, IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
            new HtmlPage(ApiTokensPage.Render(http, await store.ListApiTokensAsync(cancel), time.GetUtcNow(), null, null)));
        admin.MapPost("/api-tokens", IssueApiTokenAsync);
        admin.MapPost("/api-tokens/{idOrName}/revoke", RevokeApiTokenAsync);
    }

    private static async Task<IResult> SignInAsync(HttpContext http, ApiTokenVerifier tokens, CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        var returnUrl = form["returnUrl"].ToString();
        var verdict = await tokens.VerifyAsync(form["token"].ToString().Trim(), Throttles.ClientAddress(http), cancel);
        if (verdict.RetryAfter is { } wait)
        {
            TooManyRequests.SetRetryAfter(http.Response, wait);
            return new HtmlPage(SignInPage.Render(http, returnUrl, "Too many failed sign-ins from this address; wait a minute and try again."),
                StatusCodes.Status429TooManyRequests);
        }
        if (verdict.Token is not { } found)
            return new HtmlPage(SignInPage.Render(http, returnUrl, "That API token is not known to this aggregator, or was revoked or has expired."),
                StatusCodes.Status401Unauthorized);
        await http.SignInAsync(DashboardAuthentication.Scheme, ApiTokens.Principal(found, DashboardAuthentication.Scheme));
        return Results.Redirect(DashboardPaths.IsLocal(returnUrl) ? returnUrl : DashboardPaths.Root);
    }

    private static async Task<IResult> IssueApiTokenAsync(HttpContext http, ApiTokenLifecycle tokens, IAggregatorStore store, TimeProvider time,
        CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        IssuedApiToken? issued = null;
        string? error = null;
        try
        {
            issued = await tokens.IssueAsync(AuditLog.Actor(http.User), Throttles.ClientAddress(http), form["name"].ToString(), form["role"].ToString(),
                Durations.Parse(form["expires"].ToString()), cancel);
        }
        catch (Exception e) when (e is FormatException or ArgumentException) { error = e.Message; }
        return new HtmlPage(ApiTokensPage.Render(http, await store.ListApiTokensAsync(cancel), time.GetUtcNow(), issued, error),
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static async Task<IResult> RevokeApiTokenAsync(HttpContext http, string idOrName, ApiTokenLifecycle tokens, CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is null) return BadForm(http);
        return (await tokens.RevokeAsync(AuditLog.Actor(http.User), Throttles.ClientAddress(http), idOrName, cancel)).Count > 0
            ? Results.Redirect(DashboardPaths.ApiTokens)
            : MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such token", $"No unrevoked API token has the id or name {idOrName}.");
    }

    private static async Task<IResult> OverviewAsync(HttpContext http, Catalog catalog, FleetStatus status, IAggregatorStore store, TimeProvider time,
        int? page, CancellationToken cancel)
    {
        var filter = FleetView.FilterFrom(http.Request);
        var fleet = await FleetView.LoadAsync(status, store, filter, page ?? 1, OverviewPage.PageSize, cancel);
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        var window = (From: today.AddDays(1 - TrendDays), To: today);
        var trends = await ComplianceTrend.LoadAsync(store, fleet, filter, new DateTimeOffset(window.From.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), cancel);
        return new HtmlPage(OverviewPage.Render(http, catalog, fleet, filter, trends, window));
    }

    private static async Task<IResult> HostAsync(HttpContext http, string agentId, FleetStatus status, FleetJudge judge, IAggregatorStore store,
        TimeProvider time, CancellationToken cancel)
    {
        if (await status.HostAsync(agentId, HostHistory, cancel) is not var (host, detail))
            return MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such host", $"No host has agent id {agentId}.");
        IReadOnlyDictionary<string, Evaluation>? results = null;
        JsonElement? evidence = null;
        if (detail.Host.Latest is { } latest && await store.GetReportBodyAsync(latest.ReportId, cancel) is { } body)
        {
            using var document = JsonDocument.Parse(body.ReportJson);
            evidence = document.RootElement.Clone();
            var report = await judge.AsJudgedAsync(body, cancel);
            // The fleet's one judgement, made now: the same function and inputs as the stored current judgement.
            results = FleetJudge.Judge(await judge.InputsAsync(cancel), new HostSubject(host.Name, host.Labels), latest.ReportId, report, time.GetUtcNow(),
                host.PcrDrift).Evaluations;
        }
        var baseline = await store.GetPcrBaselineAsync(agentId, cancel);
        var quote = detail.History.FirstOrDefault(r => r.Attestation == "verified") is { } verified
            ? await QuoteAsync(store, baseline, verified.ReportId, cancel) : null;
        return new HtmlPage(Pages.HostPage.Render(http, new HostPageModel(host, detail, results, evidence, baseline, quote)));
    }

    /// <summary>The quote of <paramref name="reportId"/> against <paramref name="baseline"/>; null without either.</summary>
    private static async Task<QuoteAgainstBaseline?> QuoteAsync(IAggregatorStore store, PcrBaseline? baseline, Guid reportId, CancellationToken cancel) =>
        baseline is not null && await store.GetReportBodyAsync(reportId, cancel) is { AttestationJson: { } quoted } body
            ? new QuoteAgainstBaseline(body.ReportId, body.ReceivedAt, PcrDrift.Compare(baseline.AttestationJson, quoted))
            : null;

    private static async Task<IResult> ReportAsync(HttpContext http, Guid reportId, IAggregatorStore store, CancellationToken cancel)
    {
        if (await store.FindReportAsync(reportId, cancel) is not var (agentId, report) || await store.GetAgentAsync(agentId, cancel) is not { } agent)
            return MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such report", $"No report has id {reportId}.");
        var baseline = agent.AkPublic is null ? null : await store.GetPcrBaselineAsync(agentId, cancel);
        var quote = report.Attestation == "verified" ? await QuoteAsync(store, baseline, reportId, cancel) : null;
        return new HtmlPage(ReportPage.Render(http, agent, report, baseline, quote));
    }

    /// <summary>A re-baselining asked for: the host, the report whose quote would become its baseline, and that quote against the current one.</summary>
    private sealed record BaselineChange(AgentRecord Agent, PcrBaseline Current, QuoteAgainstBaseline Candidate);

    /// <summary>The change, when <paramref name="reportId"/> is a verified report of this host with a quote; null otherwise.</summary>
    private static async Task<BaselineChange?> BaselineChangeAsync(IAggregatorStore store, string agentId, Guid? reportId, CancellationToken cancel)
    {
        if (reportId is not { } id || await store.GetAgentAsync(agentId, cancel) is not { } agent
            || await store.FindReportAsync(id, cancel) is not var (owner, report) || owner != agentId || report.Attestation != "verified"
            || await store.GetPcrBaselineAsync(agentId, cancel) is not { } current || await QuoteAsync(store, current, id, cancel) is not { } candidate)
            return null;
        return new BaselineChange(agent, current, candidate);
    }

    private static HtmlPage BaselineRefused(HttpContext http) =>
        MessagePage.Problem(http, StatusCodes.Status400BadRequest, "Baseline refused", "Only a verified report of this host can become its PCR baseline.");

    private static HtmlPage NoSuchHost(HttpContext http, string agentId) =>
        MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such host", $"No host has agent id {agentId}.");

    private static async Task<IResult> RevokeHostAsync(HttpContext http, string agentId, IAggregatorStore store, AuditLog audit, TimeProvider time,
        CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        if (await store.GetAgentAsync(agentId, cancel) is not { } agent) return NoSuchHost(http, agentId);
        if (!ConfirmPage.Confirmed(form) || agent.RevokedAt is not null) return HostChangePages.ConfirmRevoke(http, agent);
        await store.RevokeAgentAsync(agentId, time.GetUtcNow(), cancel);
        await audit.RecordAsync(http, AuditActions.AgentRevoked, agentId, $"hostname {agent.Hostname}; from the dashboard", cancel);
        return Results.Redirect(DashboardPaths.Host(agentId));
    }

    private static async Task<IResult> SetLabelsAsync(HttpContext http, string agentId, IAggregatorStore store, FleetJudge judge, AuditLog audit,
        CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        if (await store.GetAgentAsync(agentId, cancel) is null)
            return MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such host", $"No host has agent id {agentId}.");
        var labels = form["labels"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (labels.Length > MaxLabels || labels.Any(l => l.Length > MaxLabelLength || l.Any(char.IsControl)))
            return MessagePage.Problem(http, StatusCodes.Status400BadRequest, "Labels refused",
                $"A host carries at most {MaxLabels} labels of at most {MaxLabelLength} characters each, without control characters.");
        await store.SetHostLabelsAsync(agentId, labels, cancel);
        await audit.RecordAsync(http, AuditActions.LabelsChanged, agentId, string.Join(", ", labels), cancel);
        await judge.RejudgeAsync(new HashSet<string>([agentId], StringComparer.Ordinal), cancel);
        return Results.Redirect(DashboardPaths.Host(agentId));
    }

    private static async Task<IResult> SetBaselineAsync(HttpContext http, string agentId, IAggregatorStore store, FleetJudge judge, AuditLog audit, TimeProvider time,
        CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        var reportId = Guid.TryParse(form["reportId"].ToString(), out var id) ? id : (Guid?)null;
        if (await BaselineChangeAsync(store, agentId, reportId, cancel) is not { } change) return BaselineRefused(http);
        if (!ConfirmPage.Confirmed(form)) return HostChangePages.ConfirmBaseline(http, change.Agent, change.Current, change.Candidate);
        if (!await store.SetPcrBaselineAsync(agentId, change.Candidate.ReportId, http.User.Identity!.Name!, time.GetUtcNow(), cancel)) return BaselineRefused(http);
        var changed = change.Candidate.Changed;
        await audit.RecordAsync(http, AuditActions.BaselineChanged, agentId,
            $"report {change.Candidate.ReportId} (was report {change.Current.ReportId}); PCRs changed: {(changed.Count == 0 ? "none" : string.Join(", ", changed.Select(p => $"{p.Bank}:{p.Index}")))}",
            cancel);
        await judge.RejudgeAsync(new HashSet<string>([agentId], StringComparer.Ordinal), cancel);
        return Results.Redirect(DashboardPaths.Host(agentId));
    }

    private static async Task<IResult> AddWaiverAsync(HttpContext http, Catalog catalog, IAggregatorStore store, FleetJudge judge, AuditLog audit, TimeProvider time,
        CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        var now = time.GetUtcNow();
        var draft = new WaiversPage.Draft(form["controlId"].ToString(), form["hosts"].ToString(), form["justification"].ToString(), form["expires"].ToString());
        try
        {
            if (!DateOnly.TryParseExact(draft.Expires, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
                throw new ArgumentException("expires (the last valid day) must be a date as YYYY-MM-DD");
            var request = new WaiverRequest(draft.ControlId, draft.Hosts, draft.Justification, expires);
            var waiver = request.Accept(catalog, http.User.Identity!.Name!, now);
            await store.AddWaiverAsync(waiver, cancel);
            await audit.RecordAsync(http, AuditActions.WaiverAdded, waiver.WaiverId.ToString(), WaiverEndpoints.WaiverDetails(waiver), cancel);
            await judge.RejudgeAsync(null, cancel);
        }
        catch (ArgumentException e)
        {
            return new HtmlPage(WaiversPage.Render(http, catalog, await store.ListWaiversAsync(cancel), now, e.Message, draft), StatusCodes.Status400BadRequest);
        }
        return Results.Redirect(DashboardPaths.Waivers);
    }

    private static async Task<IResult> DeleteWaiverAsync(HttpContext http, Guid waiverId, IAggregatorStore store, FleetJudge judge, AuditLog audit,
        TimeProvider time, CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is null) return BadForm(http);
        if (!await store.WithdrawWaiverAsync(waiverId, time.GetUtcNow(), cancel))
            return MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such waiver", $"No standing waiver has id {waiverId}.");
        await audit.RecordAsync(http, AuditActions.WaiverRemoved, waiverId.ToString(), cancel: cancel);
        await judge.RejudgeAsync(null, cancel);
        return Results.Redirect(DashboardPaths.Waivers);
    }

    private static async Task<IResult> ApplyPolicyAsync(HttpContext http, PolicyApplier policies, IAggregatorStore store, FleetJudge judge, CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        var text = form["policy"].ToString();
        try { await policies.ApplyAsync(text, http.User.Identity!.Name!, AuditLog.Actor(http.User), Throttles.ClientAddress(http), cancel); }
        catch (PolicyRefusedException e)
        {
            var view = PolicyEndpoints.View(await judge.PolicyAsync(cancel), await store.GetPolicyAsync(cancel));
            return new HtmlPage(PolicyPage.Render(http, view, text, e.Message), StatusCodes.Status400BadRequest);
        }
        return Results.Redirect(DashboardPaths.Policy);
    }

    private static async Task<IReadOnlyList<AttestationView>> AttestationViewsAsync(IAggregatorStore store, TimeProvider time, CancellationToken cancel)
    {
        var now = time.GetUtcNow();
        return (await store.ListAttestationsAsync(cancel)).Select(a => AttestationView.Of(a, now)).ToList();
    }

    private static async Task<IResult> AddAttestationAsync(HttpContext http, Catalog catalog, IAggregatorStore store, FleetJudge judge, AuditLog audit,
        TimeProvider time, CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        string? Field(string name) => form[name].ToString() is { Length: > 0 } v ? v : null;
        var draft = new AttestationsPage.Draft(Field("controlId"), Field("hosts"), Field("labels"), Field("statement"), Field("evidenceRef"), Field("expires"));
        try
        {
            var labels = (draft.Labels ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Select(l => l.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "", StringComparer.Ordinal);
            var request = new AttestationRequest(draft.ControlId ?? "", draft.Statement ?? "", draft.Expires ?? "", draft.Hosts, labels, draft.EvidenceRef);
            var attestation = request.Accept(catalog, http.User.Identity!.Name!, time.GetUtcNow());
            await store.AddAttestationAsync(attestation, cancel);
            await audit.RecordAsync(http, AuditActions.AttestationAdded, attestation.AttestationId.ToString(), AttestationEndpoints.Details(attestation), cancel);
        }
        catch (ArgumentException e)
        {
            return new HtmlPage(AttestationsPage.Render(http, catalog, await AttestationViewsAsync(store, time, cancel), draft, e.Message), StatusCodes.Status400BadRequest);
        }
        await judge.RejudgeAsync(null, cancel);
        return Results.Redirect(DashboardPaths.Attestations);
    }

    private static async Task<IResult> WithdrawAttestationAsync(HttpContext http, Guid attestationId, IAggregatorStore store, FleetJudge judge, AuditLog audit,
        TimeProvider time, CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is null) return BadForm(http);
        if (!await store.WithdrawAttestationAsync(attestationId, time.GetUtcNow(), cancel))
            return MessagePage.Problem(http, StatusCodes.Status404NotFound, "No such attestation", $"No standing attestation has id {attestationId}.");
        await audit.RecordAsync(http, AuditActions.AttestationWithdrawn, attestationId.ToString(), cancel: cancel);
        await judge.RejudgeAsync(null, cancel);
        return Results.Redirect(DashboardPaths.Attestations);
    }

    private static async Task<ExportPageModel> ExportPageModelAsync(IAggregatorStore store, CertificateAuthority ca, CancellationToken cancel) =>
        new(ca.Certificate.Subject, WeightGuard.Evidence.ManifestSignature.Fingerprint(ca.Certificate),
            await store.AuditOfActionAsync(AuditActions.ExportMade, ExportPage.PastExports, cancel));

    private static async Task<IResult> ExportAsync(HttpContext http, EvidenceExport export, AuditLog audit, IAggregatorStore store, CertificateAuthority ca,
        CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        var typed = form["hosts"].ToString();
        var sinceText = form["since"].ToString();
        async Task<IResult> Refused(string message, int status) =>
            new HtmlPage(ExportPage.Render(http, await ExportPageModelAsync(store, ca, cancel), message, typed, sinceText), status);
        DateTimeOffset? since = null;
        if (sinceText is { Length: > 0 })
        {
            if (!DateTimeOffset.TryParse(sinceText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                return await Refused($"'{sinceText}' is not a date.", StatusCodes.Status400BadRequest);
            since = parsed;
        }
        var request = new ExportRequest(typed.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), since, http.User.Identity!.Name!);
        // Spooled to an owner-only temporary file (removed when sent): a refusal can still answer with a page, and the
        // bundle's size does not weigh on the heap.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var spool = new FileStream(Path.Combine(Path.GetTempPath(), $"weightguard-export-{Guid.NewGuid():N}.zip"), options);
        ExportResult result;
        try { result = await export.WriteAsync(request, spool, cancel); }
        catch (Exception e) when (e is ArgumentException or ExportInProgressException)
        {
            await spool.DisposeAsync();
            if (e is ExportInProgressException) TooManyRequests.SetRetryAfter(http.Response, EvidenceExport.BusyRetryAfter);
            return await Refused(e.Message, e is ExportInProgressException ? StatusCodes.Status429TooManyRequests : StatusCodes.Status400BadRequest);
        }
        await audit.RecordAsync(http, AuditActions.ExportMade, result.ManifestSha256, result.AuditDetails(request), cancel);
        spool.Position = 0;
        http.Response.Headers["X-WeightGuard-Manifest-Sha256"] = result.ManifestSha256;
        return Results.File(spool, "application/zip", $"weightguard-evidence-{result.CreatedAt:yyyyMMdd'T'HHmmss'Z'}.zip");
    }

    /// <summary>The form, when its antiforgery token holds; null otherwise.</summary>
    private static async Task<IFormCollection?> ReadFormAsync(HttpContext http)
    {
        if (!http.Request.HasFormContentType) return null;
        try { await http.RequestServices.GetRequiredService<IAntiforgery>().ValidateRequestAsync(http); }
        catch (AntiforgeryValidationException) { return null; }
        return await http.Request.ReadFormAsync(http.RequestAborted);
    }

    private static HtmlPage BadForm(HttpContext http) => MessagePage.Problem(http, StatusCodes.Status400BadRequest, "Form refused",
        "The form did not come from this dashboard or has expired; reload the page and try again.");
}
