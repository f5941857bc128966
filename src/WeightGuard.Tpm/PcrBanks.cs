namespace WeightGuard.Tpm;

/// <summary>PCR values per bank (hash algorithm) and index, kept in ascending order of both.</summary>
public sealed class PcrBanks
{
    private readonly SortedDictionary<TpmAlgId, SortedDictionary<int, byte[]>> _banks = new();

    /// <summary>The banks that hold at least one value.</summary>
    public IEnumerable<TpmAlgId> Algorithms => _banks.Keys;

    /// <summary>The values of one bank by PCR index (empty when the bank is absent).</summary>
    public IReadOnlyDictionary<int, byte[]> Bank(TpmAlgId alg) =>
        _banks.TryGetValue(alg, out var bank) ? bank : new SortedDictionary<int, byte[]>();

    /// <summary>One value, or null when absent.</summary>
    public byte[]? Get(TpmAlgId alg, int pcr) => _banks.TryGetValue(alg, out var bank) && bank.TryGetValue(pcr, out var v) ? v : null;

    /// <summary>Sets one value.</summary>
    public void Set(TpmAlgId alg, int pcr, byte[] value)
    {
        if (!_banks.TryGetValue(alg, out var bank)) _banks[alg] = bank = new SortedDictionary<int, byte[]>();
        bank[pcr] = value;
    }

    /// <summary>
    /// The digest a quote's pcrDigest must equal: <c>H(values in selection order)</c>, banks in list order and PCRs ascending.
    /// </summary>
    /// <exception cref="KeyNotFoundException">A selected PCR has no value here.</exception>
    public byte[] CompositeDigest(TpmAlgId hash, IReadOnlyList<TpmsPcrSelection> selection)
    {
        using var h = TpmHash.Create(hash);
        foreach (var bank in selection)
            foreach (var pcr in bank.Pcrs)
                h.AppendData(Get(bank.Hash, pcr)
                    ?? throw new KeyNotFoundException($"no value for PCR {TpmHash.Describe(bank.Hash)}:{pcr}"));
        return h.GetHashAndReset();
    }
}
