namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// A dashboard response: the page with the headers every dashboard page carries (a strict Content-Security-Policy with
/// no scripts, no framing, no caching of fleet data, no referrer).
/// </summary>
/// <param name="Page">The whole document.</param>
/// <param name="StatusCode">The HTTP status.</param>
public sealed record HtmlPage(Markup Page, int StatusCode = StatusCodes.Status200OK) : IResult
{
    /// <summary>The Content-Security-Policy of every dashboard response.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'";

    /// <inheritdoc/>
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCode;
        response.ContentType = "text/html; charset=utf-8";
        SecurityHeaders(response);
        await response.WriteAsync(Page.Value, httpContext.RequestAborted);
    }

    /// <summary>Sets the headers every dashboard response carries.</summary>
    public static void SecurityHeaders(HttpResponse response)
    {
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.XContentTypeOptions = "nosniff";
        response.Headers.XFrameOptions = "DENY";
        response.Headers["Referrer-Policy"] = "no-referrer";
        response.Headers.CacheControl = "no-store";
    }
}
