namespace WeightGuard.Agent.Spool;

/// <summary>
/// Exponential backoff with jitter between delivery attempts: the base doubles per failure up to the cap, and each wait
/// is drawn from the upper half of it so that a fleet coming back from an outage does not retry in step.
/// </summary>
/// <param name="initial">The first wait.</param>
/// <param name="cap">The longest wait.</param>
/// <param name="random">The jitter source.</param>
public sealed class Backoff(TimeSpan initial, TimeSpan cap, Random random)
{
    private int _failures;

    /// <summary>30 seconds doubling to 15 minutes.</summary>
    public static Backoff Default() => new(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15), Random.Shared);

    /// <summary>Failures since the last success.</summary>
    public int Failures => _failures;

    /// <summary>Records a failure and returns how long to wait before the next attempt.</summary>
    public TimeSpan NextDelay()
    {
        var exponent = Math.Min(_failures++, 30);
        var ceiling = Math.Min(initial.TotalMilliseconds * Math.Pow(2, exponent), cap.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(ceiling / 2 + random.NextDouble() * ceiling / 2);
    }

    /// <summary>Records a success.</summary>
    public void Reset() => _failures = 0;
}
