using System.Globalization;
using System.Text.Json;
using WeightGuard.Core.Protocol;

namespace WeightGuard.Aggregator.Judgement;

/// <summary>One quoted PCR in the baseline quote and in the latest one.</summary>
/// <param name="Bank">The PCR bank, e.g. <c>sha256</c>.</param>
/// <param name="Index">The PCR.</param>
/// <param name="Baseline">Its value in the baseline quote (hex), or null when that quote did not carry it.</param>
/// <param name="Latest">Its value in the latest quote (hex), or null when that quote did not carry it.</param>
public sealed record PcrComparison(string Bank, int Index, string? Baseline, string? Latest)
{
    /// <summary>True when the value moved since the baseline.</summary>
    public bool Drifted => !string.Equals(Baseline, Latest, StringComparison.OrdinalIgnoreCase);
}

/// <summary>
/// Compares the PCR values of a host's latest verified quote with its baseline quote (its first verified one unless an
/// admin chose another). Both quotes verified at ingest, so a difference is a real change of boot state: firmware,
/// boot loader, Secure Boot policy.
/// </summary>
public static class PcrDrift
{
    /// <summary>Every PCR either quote carries, by bank and index; empty when either attestation cannot be read.</summary>
    public static IReadOnlyList<PcrComparison> Compare(string baselineAttestation, string latestAttestation)
    {
        var baseline = Pcrs(baselineAttestation);
        var latest = Pcrs(latestAttestation);
        if (baseline is null || latest is null) return [];
        return baseline.Keys.Union(latest.Keys)
            .OrderBy(k => k.Bank, StringComparer.Ordinal).ThenBy(k => k.Index)
            .Select(k => new PcrComparison(k.Bank, k.Index, baseline.GetValueOrDefault(k), latest.GetValueOrDefault(k)))
            .ToList();
    }

    private static Dictionary<(string Bank, int Index), string>? Pcrs(string attestationJson)
    {
        QuoteAttestation? attestation;
        try { attestation = JsonSerializer.Deserialize(attestationJson, ProtocolJsonContext.Default.QuoteAttestation); }
        catch (JsonException) { return null; }
        if (attestation is null) return null;
        var values = new Dictionary<(string, int), string>();
        foreach (var (bank, pcrs) in attestation.Pcrs)
            foreach (var (index, hex) in pcrs)
                if (int.TryParse(index, NumberStyles.None, CultureInfo.InvariantCulture, out var i)) values[(bank, i)] = hex;
        return values;
    }
}
