namespace WeightGuard.Aggregator.Hosting;

/// <summary>Headers every response carries, problem documents and errors included.</summary>
internal static class SecurityHeaders
{
    /// <summary>HSTS for a year: the aggregator is only ever served over HTTPS, by whatever name or address (loopback included).</summary>
    public const string StrictTransportSecurity = "max-age=31536000";

    /// <summary>
    /// Sets <c>X-Content-Type-Options: nosniff</c> (no JSON or text body is ever sniffed into something a browser runs)
    /// and <c>Strict-Transport-Security</c> on every response as it starts, after any handler has run (the exception
    /// handler clears headers, and ASP.NET Core's HSTS middleware skips loopback names).
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            if (context.Request.IsHttps) context.Response.Headers.StrictTransportSecurity = StrictTransportSecurity;
            return Task.CompletedTask;
        });
        return next(context);
    });
}
