using System.Globalization;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>The dashboard's URLs, built in one place so that links and routes agree and every segment is escaped.</summary>
public static class DashboardPaths
{
    /// <summary>The dashboard's root (the fleet overview).</summary>
    public const string Root = "/dashboard";
    /// <summary>The sign-in page.</summary>
    public const string SignIn = Root + "/sign-in";
    /// <summary>Signing out (POST).</summary>
    public const string SignOut = Root + "/sign-out";
    /// <summary>The stylesheet.</summary>
    public const string Stylesheet = Root + "/dashboard.css";
    /// <summary>The export page (auditor).</summary>
    public const string Export = Root + "/export";
    /// <summary>The aggregator's CA certificate (PEM), the trust anchor for verifying exports.</summary>
    public const string ExportCaCertificate = Export + "/ca.crt";
    /// <summary>The waivers page (admin).</summary>
    public const string Waivers = Root + "/waivers";
    /// <summary>The fleet policy page.</summary>
    public const string Policy = Root + "/policy";
    /// <summary>The manual attestations page.</summary>
    public const string Attestations = Root + "/attestations";
    /// <summary>The fleet view as CSV (same filters as the overview).</summary>
    public const string HostsCsv = Root + "/hosts.csv";
    /// <summary>The API tokens page (admin).</summary>
    public const string ApiTokens = Root + "/api-tokens";
    /// <summary>The audit log (auditor).</summary>
    public const string Audit = Root + "/audit";
    /// <summary>The print stylesheet: the time of printing in every printed page's margin.</summary>
    public const string PrintStylesheet = Root + "/print.css";
    /// <summary>The icon browsers ask for at the site's root.</summary>
    public const string Favicon = "/favicon.ico";
    /// <summary>Recent alerts and their delivery.</summary>
    public const string Alerts = Root + "/alerts";

    /// <summary>Revoking one API token (POST).</summary>
    public static string RevokeApiToken(string tokenId) => $"{ApiTokens}/{Uri.EscapeDataString(tokenId)}/revoke";

    /// <summary>One host's page.</summary>
    public static string Host(string agentId) => $"{Root}/hosts/{Uri.EscapeDataString(agentId)}";

    /// <summary>One report's page.</summary>
    public static string Report(Guid reportId) => $"{Root}/reports/{reportId}";

    /// <summary>The confirmation page (GET) and the change (POST) that makes <paramref name="reportId"/>'s quote the host's PCR baseline.</summary>
    public static string Baseline(string agentId, Guid reportId) => With(Host(agentId) + "/baseline", ("reportId", reportId));

    /// <summary>The confirmation page (GET) and the revocation (POST) of a host.</summary>
    public static string Revoke(string agentId) => Host(agentId) + "/revoke";

    /// <summary>One control across the fleet.</summary>
    public static string Control(string controlId) => $"{Root}/controls/{Uri.EscapeDataString(controlId)}";

    /// <summary><paramref name="path"/> with the non-empty query parameters given.</summary>
    public static string With(string path, params (string Name, object? Value)[] query)
    {
        var pairs = query.Where(q => q.Value is not null && Convert.ToString(q.Value, CultureInfo.InvariantCulture) is { Length: > 0 })
            .Select(q => $"{Uri.EscapeDataString(q.Name)}={Uri.EscapeDataString(Convert.ToString(q.Value, CultureInfo.InvariantCulture)!)}")
            .ToList();
        return pairs.Count == 0 ? path : path + "?" + string.Join('&', pairs);
    }

    /// <summary>True for a path inside the dashboard, safe to redirect to after sign-in (no scheme, host, backslash or control-character tricks).</summary>
    public static bool IsLocal(string? path) =>
        path is { Length: > 0 and < 2048 } && path.StartsWith(Root, StringComparison.Ordinal) && !path.Contains('\\') && !path.Any(char.IsControl) &&
        !path.Contains("//", StringComparison.Ordinal) && (path.Length == Root.Length || path[Root.Length] is '/' or '?');
}
