using System.Globalization;

namespace WeightGuard.Tpm.EventLog;

/// <summary>One line of the IMA ASCII runtime measurement list.</summary>
/// <param name="Line">1-based line number.</param>
/// <param name="Pcr">The PCR (normally 10).</param>
/// <param name="TemplateHash">SHA-1 template hash (all zeros for a violation).</param>
/// <param name="TemplateName">ima, ima-ng, ima-sig…</param>
/// <param name="TemplateData">The rest of the line (file digest and path for ima-ng).</param>
public sealed record ImaEntry(int Line, int Pcr, byte[] TemplateHash, string TemplateName, string TemplateData)
{
    /// <summary>A violation (a file measured while open for writing, or a ToMToU race) is logged with a zero hash.</summary>
    public bool IsViolation => TemplateHash.All(b => b == 0);
}

/// <summary>The IMA ASCII runtime measurement list (<c>/sys/kernel/security/ima/ascii_runtime_measurements</c>).</summary>
/// <param name="Entries">The entries in order.</param>
public sealed record ImaMeasurementList(IReadOnlyList<ImaEntry> Entries)
{
    /// <summary>Most entries accepted (a busy server logs tens of thousands).</summary>
    public const int MaxEntries = 1_000_000;

    /// <summary>Number of violations in the list.</summary>
    public int Violations => Entries.Count(e => e.IsViolation);

    /// <summary>Parses the list. Errors read <c>line N: problem</c>.</summary>
    /// <exception cref="FormatException">A line is malformed.</exception>
    public static ImaMeasurementList Parse(TextReader text)
    {
        var entries = new List<ImaEntry>();
        var number = 0;
        while (text.ReadLine() is { } line)
        {
            number++;
            if (line.Length == 0) continue;
            if (entries.Count == MaxEntries) throw new FormatException($"line {number}: more than {MaxEntries} entries");
            var fields = line.Split(' ', 4);
            if (fields.Length < 3) throw new FormatException($"line {number}: expected 'PCR template-hash template-name …'");
            if (!int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pcr) || pcr > 23)
                throw new FormatException($"line {number}: '{fields[0]}' is not a PCR index");
            if (fields[1].Length != 40 || !fields[1].All(char.IsAsciiHexDigit))
                throw new FormatException($"line {number}: template hash '{fields[1]}' is not 40 hex digits (SHA-1)");
            entries.Add(new ImaEntry(number, pcr, Convert.FromHexString(fields[1]), fields[2], fields.Length > 3 ? fields[3] : ""));
        }
        return new ImaMeasurementList(entries);
    }

    /// <summary>
    /// Replays the list into the SHA-1 bank: PCR = SHA1(PCR ‖ template hash), where a violation extends 0xFF×20
    /// (the kernel's rule, so that a violation can never be hidden).
    /// </summary>
    public PcrBanks Replay()
    {
        var banks = new PcrBanks();
        var ff = Enumerable.Repeat((byte)0xFF, 20).ToArray();
        foreach (var e in Entries)
        {
            var current = banks.Get(TpmAlgId.Sha1, e.Pcr) ?? new byte[20];
            banks.Set(TpmAlgId.Sha1, e.Pcr, TpmHash.Hash(TpmAlgId.Sha1, [.. current, .. e.IsViolation ? ff : e.TemplateHash]));
        }
        return banks;
    }
}
