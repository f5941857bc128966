namespace WeightGuard.Aggregator.Hosting;

/// <summary>Headers every response carries, problem documents and errors included.</summary>
internal static class SecurityHeaders
{
    /// <summary>
    /// Sets <c>X-Content-Type-Options: nosniff</c> on every response as it starts, after any handler (the exception
    /// handler clears headers) has run, so that no JSON or text body is ever sniffed into something a browser runs.
    /// </summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.XContentTypeOptions = "nosniff";
            return Task.CompletedTask;
        });
        return next(context);
    });
}
