namespace WeightGuard.Aggregator.Problems;

/// <summary>
/// A request the aggregator refuses: becomes an RFC 9457 problem document with this status, title and detail. The
/// detail names the first defect found, never a secret.
/// </summary>
/// <param name="status">The 4xx status.</param>
/// <param name="title">A short, fixed summary of the kind of problem.</param>
/// <param name="detail">What exactly is wrong with this request.</param>
public sealed class ProblemException(int status, string title, string detail) : Exception(detail)
{
    /// <summary>The HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>The problem's title.</summary>
    public string Title { get; } = title;

    /// <summary>A malformed or invalid request (400).</summary>
    public static ProblemException BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    /// <summary>A request whose credentials or proof are refused (403).</summary>
    public static ProblemException Forbidden(string detail) => new(StatusCodes.Status403Forbidden, "Refused", detail);

    /// <summary>Nothing by that id (404).</summary>
    public static ProblemException NotFound(string detail) => new(StatusCodes.Status404NotFound, "Not found", detail);
}
