using System.Security.Cryptography;
using System.Text;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// A fixed-window limit whose counters live in the database, so that every instance on it counts together: an attacker
/// spreading guesses across instances behind a load balancer meets one limit. For limits that protect secrets; cheap
/// per-process limits stay in <see cref="RequestThrottle"/>.
/// </summary>
/// <param name="store">Where the counters are kept.</param>
/// <param name="scope">What is counted, e.g. <c>sign-in-failures-by-address</c>.</param>
/// <param name="limit">Events allowed per window and subject.</param>
/// <param name="window">The window's length.</param>
/// <param name="time">The clock.</param>
public sealed class SharedThrottle(IAggregatorStore store, string scope, int limit, TimeSpan window, TimeProvider time)
{
    /// <summary>Subjects longer than this are kept as their SHA-256, so that hostile input cannot grow the table's rows.</summary>
    private const int MaxSubjectLength = 64;

    /// <summary>Null while <paramref name="subject"/> may proceed; otherwise how long until it may.</summary>
    public Task<TimeSpan?> RetryAfterAsync(string subject, CancellationToken cancel) =>
        store.ThrottleRetryAfterAsync(scope, Bounded(subject), limit, time.GetUtcNow(), cancel);

    /// <summary>Counts one event for <paramref name="subject"/>; null when it was within the limit, otherwise how long until it may proceed.</summary>
    public Task<TimeSpan?> CountAsync(string subject, CancellationToken cancel) =>
        store.CountThrottledEventAsync(scope, Bounded(subject), limit, window, time.GetUtcNow(), cancel);

    private static string Bounded(string subject) => subject.Length <= MaxSubjectLength ? subject
        : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(subject)));
}
