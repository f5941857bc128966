using System.Globalization;
using System.Text.RegularExpressions;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Attestations;

/// <summary>A person's new manual attestation, as the API and the dashboard form take it.</summary>
/// <param name="ControlId">A manual control of the catalogue.</param>
/// <param name="Statement">What the attestor states holds.</param>
/// <param name="Expires">When it lapses: an ISO 8601 timestamp, or a day (in force through that day, UTC); in the future.</param>
/// <param name="Hosts">Enrolled-name glob; null when <paramref name="Labels"/> alone select the hosts.</param>
/// <param name="Labels">Labels the hosts must carry.</param>
/// <param name="EvidenceRef">An <c>https://</c> URL or <c>sha256:</c> and 64 hex digits naming the supporting document, or null.</param>
public sealed partial record AttestationRequest(string ControlId, string Statement, string Expires, string? Hosts = null,
    IReadOnlyDictionary<string, string>? Labels = null, string? EvidenceRef = null)
{
    private const int MaxLabels = 20;
    private const int MaxLabelLength = 64;
    private const int MaxEvidenceRefLength = 2048;

    /// <summary>The attestation to store, by <paramref name="attestor"/> at <paramref name="now"/>.</summary>
    /// <exception cref="ArgumentException">The request is refused; the message says why.</exception>
    public StoredAttestation Accept(Catalog catalog, string attestor, DateTimeOffset now)
    {
        if (ControlId is null || !catalog.Controls.TryGetValue(ControlId, out var control)) throw new ArgumentException($"controlId '{ControlId}' is not in this aggregator's catalogue");
        if (control.Check.Kind != "manual")
            throw new ArgumentException($"{ControlId} is checked on the host by WeightGuard; only manual controls are attested by people");
        var hosts = string.IsNullOrWhiteSpace(Hosts) ? null : Hosts.Trim();
        if (hosts is not null && (hosts.Length > WaiverRequest.MaxHostsLength || hosts.Any(char.IsControl)))
            throw new ArgumentException($"hosts must be a glob of 1 to {WaiverRequest.MaxHostsLength} characters without control characters");
        var labels = Labels ?? new Dictionary<string, string>();
        if (labels.Count > MaxLabels || labels.Any(l => l.Key is not { Length: > 0 and <= MaxLabelLength } || l.Value is not { Length: <= MaxLabelLength }
                                                        || l.Key.Any(char.IsControl) || l.Value.Any(char.IsControl) || l.Key.Contains('=')))
            throw new ArgumentException($"labels must be at most {MaxLabels} names (without '=') and values of at most {MaxLabelLength} characters, without control characters");
        if (hosts is null && labels.Count == 0) throw new ArgumentException("name the hosts covered with hosts (a name glob) and/or labels");
        if (string.IsNullOrWhiteSpace(Statement) || Statement.Length > CatalogLoader.MaxStatementLength || Statement.Any(c => char.IsControl(c) && c != '\n'))
            throw new ArgumentException($"statement must be 1 to {CatalogLoader.MaxStatementLength} characters without control characters");
        var evidence = string.IsNullOrWhiteSpace(EvidenceRef) ? null : EvidenceRef.Trim();
        if (evidence is not null && (evidence.Length > MaxEvidenceRefLength || !(DocumentDigest().IsMatch(evidence)
                || Uri.TryCreate(evidence, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)))
            throw new ArgumentException("evidenceRef must be an https:// URL or sha256: followed by 64 hex digits");
        var expires = ParseExpiry(Expires) ?? throw new ArgumentException("expires must be a timestamp (ISO 8601) or a day (YYYY-MM-DD)");
        if (expires <= now) throw new ArgumentException($"expires {expires:O} must be in the future");
        return new StoredAttestation(Guid.NewGuid(), ControlId, hosts, labels, Statement.Trim(), evidence, attestor, now, expires);
    }

    private static DateTimeOffset? ParseExpiry(string? text)
    {
        if (text is null) return null;
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            return new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(1);
        return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
    }

    [GeneratedRegex("^sha256:[0-9a-fA-F]{64}$")]
    private static partial Regex DocumentDigest();
}
