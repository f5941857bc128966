using System.Globalization;

namespace WeightGuard.Aggregator.Problems;

/// <summary>A 429 problem document with <c>Retry-After</c> (whole seconds, at least 1).</summary>
/// <param name="RetryAfter">How long the client must wait.</param>
/// <param name="Detail">What was limited.</param>
public sealed record TooManyRequests(TimeSpan RetryAfter, string Detail) : IResult
{
    /// <summary>Sets <c>Retry-After</c> on <paramref name="response"/>.</summary>
    public static void SetRetryAfter(HttpResponse response, TimeSpan wait) =>
        response.Headers.RetryAfter = Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext)
    {
        SetRetryAfter(httpContext.Response, RetryAfter);
        return Results.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests", detail: Detail).ExecuteAsync(httpContext);
    }
}
