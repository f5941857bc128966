using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard.Pages;

/// <summary>Pages that only say something went wrong: forbidden, not found, a bad form.</summary>
public static class MessagePage
{
    /// <summary>403: the signed-in person's role does not reach this page.</summary>
    public static Markup Forbidden(HttpContext http) => Layout.Page(http, "Not allowed", Html($"""
        <h1>Not allowed</h1>
        <p>Your role does not allow this page. Exporting evidence needs the auditor role; waivers, labels, PCR baselines and revoking a host need the admin role.</p>
        <p><a href="{DashboardPaths.Root}">Back to the fleet overview</a></p>
        """));

    /// <summary>An error page with <paramref name="title"/> and <paramref name="detail"/>.</summary>
    public static HtmlPage Problem(HttpContext http, int status, string title, string detail) => new(Layout.Page(http, title, Html($"""
        <h1>{title}</h1>
        <p>{detail}</p>
        <p><a href="{DashboardPaths.Root}">Back to the fleet overview</a></p>
        """)), status);
}
