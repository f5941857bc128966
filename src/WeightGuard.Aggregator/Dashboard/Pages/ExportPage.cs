using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>The auditor's export form: which hosts and since when; the answer is the signed bundle as a download.</summary>
public static class ExportPage
{
    /// <summary>The form, with <paramref name="error"/> above it when the last request was refused.</summary>
    public static Markup Render(HttpContext http, string? error) => Layout.Page(http, "Export evidence", Html($"""
        <h1>Export evidence</h1>
        <p>Downloads a signed <code>weightguard.bundle/v1</code> zip: the catalogue, every host's keys, every report as submitted with its quote
        and event log, the aggregator's verdicts, and the findings as CSV and OCSF. Verify it offline with
        <code>weightguard evidence verify BUNDLE --trust ca.crt</code>.</p>
        {If(error is not null, Html($"<p class=\"error\" role=\"alert\">{error}</p>"))}
        <form method="post" action="{DashboardPaths.Export}" class="export">{Layout.AntiforgeryField(http)}
        <div><label for="hosts">Agent ids (comma-separated; empty for every host)</label> <input id="hosts" name="hosts" maxlength="100000"></div>
        <div><label for="since">Reports received since (UTC date, empty for all)</label> <input id="since" name="since" type="date"></div>
        <button type="submit">Download the bundle</button>
        </form>
        """));
}
