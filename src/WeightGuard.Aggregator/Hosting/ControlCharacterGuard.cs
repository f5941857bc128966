using WeightGuard.Aggregator.Problems;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// Refuses a request whose path or query holds a control character (decoded: <c>%00</c>, <c>%0d%0a</c>, ESC…) with a
/// 400 problem before any route runs. No route takes one; PostgreSQL refuses NUL in text outright, and CR/LF would reach
/// headers and logs.
/// </summary>
internal static class ControlCharacterGuard
{
    public static IApplicationBuilder UseControlCharacterGuard(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var request = context.Request;
        var query = request.QueryString.HasValue ? Uri.UnescapeDataString(request.QueryString.Value!.Replace('+', ' ')) : "";
        return request.Path.Value!.Any(char.IsControl) || query.Any(char.IsControl)
            ? throw ProblemException.BadRequest("the request's path or query holds a control character")
            : next(context);
    });
}
