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
        auditor.MapGet("", (HttpContext http) => new HtmlPage(ExportPage.Render(http, null)));
        auditor.MapPost("", ExportAsync);
        app.MapGet(DashboardPaths.Audit, async (HttpContext http, long? before, IAggregatorStore store, CancellationToken cancel) =>
                new HtmlPage(AuditPage.Render(http, await store.AuditBeforeAsync(before is > 0 ? before.Value : long.MaxValue, AuditPage.PageSize, cancel))))
            .RequireAuthorization(DashboardAuthentication.Policy(Roles.Auditor));

        var admin = app.MapGroup(DashboardPaths.Root).RequireAuthorization(DashboardAuthentication.Policy(Roles.Admin));
        admin.MapGet("/waivers", async (HttpContext http, Catalog catalog, IAggregatorStore store, TimeProvider time, CancellationToken cancel) =>
            new HtmlPage(WaiversPage.Render(http, catalog, await store.ListWaiversAsync(cancel), time.GetUtcNow(), null)));
        admin.MapPost("/waivers", AddWaiverAsync);
        admin.MapPost("/waivers/{waiverId:guid}/delete", DeleteWaiverAsync);
        admin.MapPost("/policy", ApplyPolicyAsync);
        var attestor = app.MapGroup(DashboardPaths.Attestations).RequireAuthorization(DashboardAuthentication.Policy(Roles.Auditor));
        attestor.MapPost("", AddAttestationAsync);
        attestor.MapPost("/{attestationId:guid}/withdraw", WithdrawAttestationAsync);
        admin.MapPost("/hosts/{agentId}/labels", SetLabelsAsync);
        admin.MapPost("/hosts/{agentId}/baseline", SetBaselineAsync);
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
        var trendProfile = filter.Profile is { } p && catalog.Profiles.ContainsKey(p) ? p
            : fleet.Counts.Profiles.MaxBy(c => c.Hosts)?.Profile ?? FleetPolicy.UnassignedProfile;
        var since = new DateTimeOffset(time.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero).AddDays(1 - TrendDays);
        var trend = await store.ComplianceOverTimeAsync(trendProfile, since, cancel);
        return new HtmlPage(OverviewPage.Render(http, catalog, fleet, filter, trendProfile, trend));
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
        IReadOnlyList<PcrComparison> drift = [];
        if (baseline is not null && detail.History.FirstOrDefault(r => r.Attestation == "verified") is { } verified
            && await store.GetReportBodyAsync(verified.ReportId, cancel) is { AttestationJson: { } quoted })
            drift = PcrDrift.Compare(baseline.AttestationJson, quoted);
        return new HtmlPage(Pages.HostPage.Render(http, new HostPageModel(host, detail, results, evidence, baseline, drift)));
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
        if (!Guid.TryParse(form["reportId"].ToString(), out var reportId)
            || !await store.SetPcrBaselineAsync(agentId, reportId, http.User.Identity!.Name!, time.GetUtcNow(), cancel))
            return MessagePage.Problem(http, StatusCodes.Status400BadRequest, "Baseline refused", "Only a verified report of this host can become its PCR baseline.");
        await audit.RecordAsync(http, AuditActions.BaselineChanged, agentId, $"report {reportId}", cancel);
        await judge.RejudgeAsync(new HashSet<string>([agentId], StringComparer.Ordinal), cancel);
        return Results.Redirect(DashboardPaths.Host(agentId));
    }

    private static async Task<IResult> AddWaiverAsync(HttpContext http, Catalog catalog, IAggregatorStore store, FleetJudge judge, AuditLog audit, TimeProvider time,
        CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        var now = time.GetUtcNow();
        try
        {
            if (!DateOnly.TryParseExact(form["expires"].ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var expires))
                throw new ArgumentException("expires must be a date as YYYY-MM-DD");
            var request = new WaiverRequest(form["controlId"].ToString(), form["hosts"].ToString(), form["justification"].ToString(), expires);
            var waiver = request.Accept(catalog, http.User.Identity!.Name!, now);
            await store.AddWaiverAsync(waiver, cancel);
            await audit.RecordAsync(http, AuditActions.WaiverAdded, waiver.WaiverId.ToString(), WaiverEndpoints.WaiverDetails(waiver), cancel);
            await judge.RejudgeAsync(null, cancel);
        }
        catch (ArgumentException e)
        {
            return new HtmlPage(WaiversPage.Render(http, catalog, await store.ListWaiversAsync(cancel), now, e.Message), StatusCodes.Status400BadRequest);
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

    private static async Task<IResult> ExportAsync(HttpContext http, EvidenceExport export, AuditLog audit, CancellationToken cancel)
    {
        if (await ReadFormAsync(http) is not { } form) return BadForm(http);
        DateTimeOffset? since = null;
        if (form["since"].ToString() is { Length: > 0 } text)
        {
            if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                return new HtmlPage(ExportPage.Render(http, $"'{text}' is not a date."), StatusCodes.Status400BadRequest);
            since = parsed;
        }
        var hosts = form["hosts"].ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        // Spooled to an owner-only temporary file (removed when sent): a refusal can still answer with a page, and the
        // bundle's size does not weigh on the heap.
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.ReadWrite, Options = FileOptions.DeleteOnClose };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        var spool = new FileStream(Path.Combine(Path.GetTempPath(), $"weightguard-export-{Guid.NewGuid():N}.zip"), options);
        ExportResult result;
        try { result = await export.WriteAsync(new ExportRequest(hosts.Length == 0 ? null : hosts, since, http.User.Identity!.Name!), spool, cancel); }
        catch (Exception e) when (e is ArgumentException or ExportInProgressException)
        {
            await spool.DisposeAsync();
            if (e is ExportInProgressException) TooManyRequests.SetRetryAfter(http.Response, EvidenceExport.BusyRetryAfter);
            return new HtmlPage(ExportPage.Render(http, e.Message),
                e is ExportInProgressException ? StatusCodes.Status429TooManyRequests : StatusCodes.Status400BadRequest);
        }
        await audit.RecordAsync(http, AuditActions.ExportMade, result.ManifestSha256, $"{result.Hosts} host(s), {result.Reports} report(s)", cancel);
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
