using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Waivers;

/// <summary>An admin's new waiver, as the API and the dashboard form take it.</summary>
/// <param name="ControlId">A control in the catalogue.</param>
/// <param name="Hosts">Hostname glob (<c>*</c> and <c>?</c>).</param>
/// <param name="Justification">Why the risk is accepted.</param>
/// <param name="Expires">Last day (UTC) it holds, after today.</param>
public sealed record WaiverRequest(string ControlId, string Hosts, string Justification, DateOnly Expires)
{
    /// <summary>Longest host glob (a DNS name's length).</summary>
    public const int MaxHostsLength = 253;
    /// <summary>Longest justification.</summary>
    public const int MaxJustificationLength = 2000;

    /// <summary>The waiver to store, approved by <paramref name="approver"/> at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">The request is refused; the message says why.</exception>
    public StoredWaiver Accept(Catalog catalog, string approver, DateTimeOffset now)
    {
        if (ControlId is null || !catalog.Controls.ContainsKey(ControlId)) throw new ArgumentException($"controlId '{ControlId}' is not in this aggregator's catalogue");
        if (string.IsNullOrWhiteSpace(Hosts) || Hosts.Length > MaxHostsLength || Hosts.Any(char.IsControl))
            throw new ArgumentException($"hosts must be a glob of 1 to {MaxHostsLength} characters without control characters");
        if (string.IsNullOrWhiteSpace(Justification) || Justification.Length > MaxJustificationLength || Justification.Any(c => char.IsControl(c) && c != '\n'))
            throw new ArgumentException($"justification must be 1 to {MaxJustificationLength} characters without control characters");
        if (Expires <= DateOnly.FromDateTime(now.UtcDateTime))
            throw new ArgumentException($"expires {Expires:yyyy-MM-dd} must be a day after today (UTC)");
        return new StoredWaiver(Guid.NewGuid(), ControlId, Hosts.Trim(), Justification.Trim(), approver, Expires, now);
    }
}
