using Microsoft.AspNetCore.Diagnostics;

namespace WeightGuard.Aggregator.Problems;

/// <summary>Turns refusals and Kestrel's own request errors (body too large, bad framing) into problem documents.</summary>
internal sealed class ProblemExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancel)
    {
        var (status, title, detail) = exception switch
        {
            ProblemException p => (p.Status, p.Title, p.Message),
            BadHttpRequestException b => (b.StatusCode, b.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request too large" : "Invalid request", b.Message),
            _ => (0, "", ""),
        };
        if (status == 0) return false;
        await Results.Problem(detail: detail, statusCode: status, title: title).ExecuteAsync(context);
        return true;
    }
}
