using System.Diagnostics;

namespace WeightGuard.EndToEnd.Tests;

/// <summary>Waits for a condition between real processes, failing with what was awaited when the deadline passes.</summary>
internal static class Poll
{
    /// <summary>Generous: a deadline only guards against a hang, it measures nothing.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    /// <summary>Returns once <paramref name="condition"/> holds; fails naming <paramref name="what"/> and the last state seen.</summary>
    public static void Until(string what, Func<bool> condition, Func<string>? lastSeen = null)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Deadline)
                Assert.Fail($"timed out after {Deadline.TotalSeconds:0}s waiting until {what}" + (lastSeen is null ? "" : "; last seen: " + lastSeen()));
            Thread.Sleep(100); // a polling period, not a timing assumption
        }
    }
}
