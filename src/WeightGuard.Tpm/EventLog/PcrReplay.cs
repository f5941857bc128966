using System.Text;

namespace WeightGuard.Tpm.EventLog;

/// <summary>
/// Replays an event log into the register values it explains, per bank (SM3-256 included): EV_NO_ACTION events are not
/// extended. TPM PCRs start at zero, except PCR 0, which starts at the startup locality's value as the TPM sets it: 4
/// when the log has an H-CRTM event (EV_EFI_HCRTM_EVENT), else the locality a StartupLocality event records (0 or 3).
/// </summary>
public static class PcrReplay
{
    private static readonly byte[] StartupLocalitySignature = "StartupLocality\0"u8.ToArray();

    /// <summary>Locality of an H-CRTM sequence (TPM2_HashStart/_TPM_Hash_End), which resets PCR 0 to …04.</summary>
    private const byte HcrtmLocality = 4;

    /// <summary>The replayed value of every PCR that at least one event extends, for every bank WeightGuard can hash.</summary>
    public static PcrBanks Replay(TcgEventLog log) => Extend(log, StartupLocality(log));

    /// <summary>
    /// Replays a confidential-computing event log (Intel TDX CCEL) whose events name CC measurement register indices, not
    /// PCRs: every register starts at zero. The result is keyed by that index; <see cref="CcMeasurementRegister.Name"/> names it.
    /// </summary>
    public static PcrBanks ReplayMeasurementRegisters(TcgEventLog log) => Extend(log, 0);

    /// <summary>The locality PCR 0 starts from (see the class summary).</summary>
    public static byte StartupLocality(TcgEventLog log)
    {
        if (log.Events.Any(e => e.EventType == TcgEventType.EfiHcrtmEvent && e.PcrIndex == 0)) return HcrtmLocality;
        var startup = log.Events.FirstOrDefault(e => e.EventType == TcgEventType.NoAction && e.PcrIndex == 0 &&
            e.Data.Length == StartupLocalitySignature.Length + 1 && e.Data.AsSpan().StartsWith(StartupLocalitySignature));
        return startup?.Data[^1] ?? 0;
    }

    private static PcrBanks Extend(TcgEventLog log, byte pcr0Locality)
    {
        var banks = new PcrBanks();
        foreach (var e in log.Events.Where(e => e.EventType != TcgEventType.NoAction))
            foreach (var d in e.Digests.Where(d => TpmHash.CanDigest(d.Algorithm)))
            {
                var current = banks.Get(d.Algorithm, (int)e.PcrIndex) ?? Initial(d.Algorithm, e.PcrIndex, pcr0Locality);
                banks.Set(d.Algorithm, (int)e.PcrIndex, TpmHash.Hash(d.Algorithm, [.. current, .. d.Digest]));
            }
        return banks;
    }

    private static byte[] Initial(TpmAlgId alg, uint pcr, byte locality)
    {
        var value = new byte[TpmHash.DigestSize(alg)];
        if (pcr == 0) value[^1] = locality;
        return value;
    }

    /// <summary>Compares replayed values with PCRs read from the TPM (or a quote): one line per PCR that differs.</summary>
    public static IReadOnlyList<string> Differences(PcrBanks replayed, PcrBanks live)
    {
        var differences = new List<string>();
        foreach (var alg in replayed.Algorithms)
            foreach (var (pcr, value) in replayed.Bank(alg))
            {
                var actual = live.Get(alg, pcr);
                if (actual is null) continue;
                if (!actual.AsSpan().SequenceEqual(value))
                    differences.Add(new StringBuilder().Append(TpmHash.Describe(alg)).Append(':').Append(pcr)
                        .Append(" is ").Append(Convert.ToHexStringLower(actual)).Append(", the log explains ")
                        .Append(Convert.ToHexStringLower(value)).ToString());
            }
        return differences;
    }
}
