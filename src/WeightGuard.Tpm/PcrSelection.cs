using WeightGuard.Tpm.Marshalling;

namespace WeightGuard.Tpm;

/// <summary>TPMS_PCR_SELECTION: one bank and the PCR indices selected in it, ascending.</summary>
/// <param name="Hash">The bank's hash algorithm.</param>
/// <param name="Pcrs">The selected PCR indices, ascending and distinct.</param>
public sealed record TpmsPcrSelection(TpmAlgId Hash, IReadOnlyList<int> Pcrs)
{
    /// <summary>True when both selections name the same bank and the same PCRs.</summary>
    public bool SameAs(TpmsPcrSelection other) => Hash == other.Hash && Pcrs.SequenceEqual(other.Pcrs);
}

/// <summary>TPML_PCR_SELECTION: marshalling and the command-line form <c>sha256:0,1,2+sha1:7</c>.</summary>
public static class PcrSelection
{
    /// <summary>Largest sizeofSelect accepted from a TPM (PCR_SELECT_MAX is 3 on PC Client TPMs).</summary>
    internal const int MaxSizeOfSelect = 8;

    /// <summary>Largest number of banks accepted in a list.</summary>
    internal const int MaxBanks = 16;

    /// <summary>
    /// Parses <c>ALG:N,N,…</c> banks joined by <c>+</c>, e.g. <c>sha256:0,1,2,3,4,5,6,7</c>.
    /// </summary>
    /// <exception cref="FormatException">The text is not a valid selection; the message says why.</exception>
    public static IReadOnlyList<TpmsPcrSelection> Parse(string text)
    {
        var banks = new List<TpmsPcrSelection>();
        foreach (var part in text.Split('+'))
        {
            var colon = part.IndexOf(':');
            if (colon <= 0) throw new FormatException($"'{part}' is not ALG:PCR,PCR,… (e.g. sha256:0,7)");
            var alg = TpmHash.FromName(part[..colon])
                ?? throw new FormatException($"'{part[..colon]}' is not a PCR bank (sha1, sha256, sha384, sha512)");
            var pcrs = new SortedSet<int>();
            foreach (var item in part[(colon + 1)..].Split(','))
            {
                if (!int.TryParse(item, out var pcr) || pcr < 0 || pcr >= MaxSizeOfSelect * 8)
                    throw new FormatException($"'{item}' is not a PCR index (0–{MaxSizeOfSelect * 8 - 1})");
                pcrs.Add(pcr);
            }
            if (banks.Any(b => b.Hash == alg)) throw new FormatException($"bank {TpmHash.Describe(alg)} is given twice");
            banks.Add(new TpmsPcrSelection(alg, [.. pcrs]));
        }
        return banks;
    }

    /// <summary>The command-line form of a selection.</summary>
    public static string Format(IEnumerable<TpmsPcrSelection> banks) =>
        string.Join('+', banks.Select(b => $"{TpmHash.Describe(b.Hash)}:{string.Join(',', b.Pcrs)}"));

    internal static void Write(TpmWriter w, IReadOnlyList<TpmsPcrSelection> banks)
    {
        w.U32((uint)banks.Count);
        foreach (var bank in banks)
        {
            var size = Math.Max(3, bank.Pcrs.Count == 0 ? 0 : bank.Pcrs.Max() / 8 + 1);
            var bitmap = new byte[size];
            foreach (var pcr in bank.Pcrs) bitmap[pcr / 8] |= (byte)(1 << (pcr % 8));
            w.Alg(bank.Hash).U8((byte)size).Bytes(bitmap);
        }
    }

    internal static IReadOnlyList<TpmsPcrSelection> Read(TpmReader r, string field)
    {
        var count = r.Count(field + ".count", MaxBanks);
        var banks = new List<TpmsPcrSelection>(count);
        for (var i = 0; i < count; i++)
        {
            var alg = r.Alg(field + ".hash");
            var at = r.Offset;
            var size = r.U8(field + ".sizeofSelect");
            if (size > MaxSizeOfSelect)
                throw new TpmFormatException($"offset {at}: {field}.sizeofSelect {size} exceeds the maximum {MaxSizeOfSelect}");
            var bitmap = r.Bytes(size, field + ".pcrSelect");
            var pcrs = new List<int>();
            for (var pcr = 0; pcr < size * 8; pcr++)
                if ((bitmap[pcr / 8] & (1 << (pcr % 8))) != 0) pcrs.Add(pcr);
            banks.Add(new TpmsPcrSelection(alg, pcrs));
        }
        return banks;
    }
}
