using WeightGuard.Core.Evaluation;

namespace WeightGuard.Core.Checks;

/// <summary>What a check concluded: a status, a message a person can act on, and pointers into the evidence behind it.</summary>
/// <param name="Status">Pass, fail, error, not-applicable or manual (waivers are applied later by the evaluator).</param>
/// <param name="Message">One or two sentences naming what was found.</param>
/// <param name="Evidence">JSON pointers into the report (e.g. <c>/evidence/access/files/3</c>).</param>
public sealed record CheckOutcome(ControlStatus Status, string Message, IReadOnlyList<string> Evidence)
{
    /// <summary>The control holds.</summary>
    public static CheckOutcome Pass(string message, params IEnumerable<string> evidence) => new(ControlStatus.Pass, message, [.. evidence]);
    /// <summary>The control does not hold.</summary>
    public static CheckOutcome Fail(string message, params IEnumerable<string> evidence) => new(ControlStatus.Fail, message, [.. evidence]);
    /// <summary>
    /// The evidence needed is missing or unreadable. <paramref name="reason"/> says why in a clause ("the sshd configuration
    /// could not be read"); the message reads "Could not check because …", the words every error finding starts with.
    /// </summary>
    public static CheckOutcome Error(string reason, params IEnumerable<string> evidence) =>
        new(ControlStatus.Error, $"Could not check because {FullStop(reason)}", [.. evidence]);
    /// <summary>The control does not apply here.</summary>
    public static CheckOutcome NotApplicable(string message, params IEnumerable<string> evidence) => new(ControlStatus.NotApplicable, message, [.. evidence]);

    /// <summary>The text ending in a full stop (or the question or exclamation mark it has).</summary>
    internal static string FullStop(string text)
    {
        var trimmed = text.TrimEnd();
        return trimmed.Length == 0 || trimmed[^1] is '.' or '!' or '?' ? trimmed : trimmed + ".";
    }
}

/// <summary>Builds JSON pointers into the report's evidence (RFC 6901 escaping).</summary>
public static class EvidencePointer
{
    /// <summary>A pointer to <c>/evidence/seg1/seg2/…</c>.</summary>
    public static string To(params object[] segments) =>
        "/evidence/" + string.Join('/', segments.Select(s => Convert.ToString(s, System.Globalization.CultureInfo.InvariantCulture)!
            .Replace("~", "~0", StringComparison.Ordinal).Replace("/", "~1", StringComparison.Ordinal)));
}
