using System.Text;

namespace WeightGuard.Tpm.EventLog;

/// <summary>
/// Replays an event log into the PCR values it explains, per bank: every PCR starts at zero, EV_NO_ACTION events are not
/// extended, and a StartupLocality event sets PCR 0's starting value to the locality in its last byte.
/// </summary>
public static class PcrReplay
{
    private static readonly byte[] StartupLocalitySignature = "StartupLocality\0"u8.ToArray();

    /// <summary>The replayed value of every PCR that at least one event extends, for every bank WeightGuard can hash.</summary>
    public static PcrBanks Replay(TcgEventLog log)
    {
        var banks = new PcrBanks();
        byte startupLocality = 0;
        foreach (var e in log.Events)
        {
            if (e.EventType == TcgEventType.NoAction)
            {
                if (e.PcrIndex == 0 && e.Data.Length == StartupLocalitySignature.Length + 1 && e.Data.AsSpan().StartsWith(StartupLocalitySignature))
                    startupLocality = e.Data[^1];
                continue;
            }
            foreach (var d in e.Digests)
            {
                if (!TpmHash.IsSupported(d.Algorithm)) continue;
                var current = banks.Get(d.Algorithm, (int)e.PcrIndex) ?? Initial(d.Algorithm, (int)e.PcrIndex, startupLocality);
                banks.Set(d.Algorithm, (int)e.PcrIndex, TpmHash.Hash(d.Algorithm, [.. current, .. d.Digest]));
            }
        }
        return banks;
    }

    private static byte[] Initial(TpmAlgId alg, int pcr, byte locality)
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
