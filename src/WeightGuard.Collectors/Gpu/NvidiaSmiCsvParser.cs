using System.Globalization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Gpu;

/// <summary>
/// Parses nvidia-smi's <c>--format=csv,noheader</c> output for the columns WeightGuard asks for
/// (<see cref="NvidiaSmiQueries.GpuFields"/>, <see cref="NvidiaSmiQueries.ComputeAppFields"/>). nvidia-smi separates
/// fields with ", " and does not quote; the product name is the only free-text field of a GPU row and holds no comma.
/// </summary>
public static class NvidiaSmiCsvParser
{
    /// <summary>Most rows accepted.</summary>
    public const int MaxRows = 4096;

    /// <summary>Longest line accepted.</summary>
    public const int MaxLineChars = 4096;

    /// <summary>Parses <c>--query-gpu</c> rows into GPUs (driver version per row is returned alongside).</summary>
    /// <exception cref="InvalidDataException">A row with the wrong number of fields, a bad index, or input over the limits (names the line).</exception>
    public static (IReadOnlyList<NvidiaGpu> Gpus, string? DriverVersion) ParseGpus(string csv)
    {
        var gpus = new List<NvidiaGpu>();
        string? driver = null;
        foreach (var (line, f) in Rows(csv, NvidiaSmiQueries.GpuFields.Split(',').Length))
        {
            if (!int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                throw new InvalidDataException($"nvidia-smi CSV line {line}: index '{Clip(f[0])}' is not a number");
            driver ??= Value(f[4]);
            gpus.Add(new NvidiaGpu
            {
                Index = index, Name = f[1], Uuid = f[2], PciBusId = f[3], VbiosVersion = Value(f[5]),
                PersistenceMode = Value(f[6]), EccCurrent = Value(f[7]), EccPending = Value(f[8]), MigCurrent = Value(f[9]),
            });
        }
        return (gpus, driver);
    }

    /// <summary>Parses <c>--query-compute-apps</c> rows (with <c>nounits</c>). Users are filled in later from /proc.</summary>
    /// <exception cref="InvalidDataException">A malformed row or input over the limits (names the line).</exception>
    public static IReadOnlyList<GpuProcess> ParseComputeApps(string csv)
    {
        var processes = new List<GpuProcess>();
        foreach (var (line, f) in Rows(csv, NvidiaSmiQueries.ComputeAppFields.Split(',').Length))
        {
            if (!long.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
                throw new InvalidDataException($"nvidia-smi CSV line {line}: pid '{Clip(f[0])}' is not a number");
            long? memory = long.TryParse(f[3], NumberStyles.None, CultureInfo.InvariantCulture, out var mib) ? mib : null;
            processes.Add(new GpuProcess(pid, f[1], f[2], memory, null));
        }
        return processes;
    }

    /// <summary>
    /// Parses <c>--query-gpu=utilization.gpu</c> rows (with <c>nounits</c>): one percentage per GPU, in index order;
    /// null for a GPU that does not report utilisation (<c>[N/A]</c>, <c>[Not Supported]</c>).
    /// </summary>
    /// <exception cref="InvalidDataException">A value that is neither a percentage nor N/A, or input over the limits (names the line).</exception>
    public static IReadOnlyList<int?> ParseUtilization(string csv)
    {
        var percents = new List<int?>();
        foreach (var (line, f) in Rows(csv, 1))
        {
            if (Value(f[0]) == "N/A")
            {
                percents.Add(null);
                continue;
            }
            if (!int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var percent) || percent > 100)
                throw new InvalidDataException($"nvidia-smi CSV line {line}: utilisation '{Clip(f[0])}' is not a percentage");
            percents.Add(percent);
        }
        return percents;
    }

    private static IEnumerable<(int Line, string[] Fields)> Rows(string csv, int fields)
    {
        if (csv.Length > MaxRows * MaxLineChars) throw new InvalidDataException($"nvidia-smi CSV: {csv.Length} characters, more than the {MaxRows * MaxLineChars} accepted");
        var lines = csv.Split('\n');
        if (lines.Length > MaxRows + 1) throw new InvalidDataException($"nvidia-smi CSV: more than {MaxRows} rows");
        for (var i = 0; i < lines.Length; i++)
        {
            var text = lines[i].TrimEnd('\r');
            if (text.Trim().Length == 0) continue;
            if (text.Length > MaxLineChars) throw new InvalidDataException($"nvidia-smi CSV line {i + 1}: longer than {MaxLineChars} characters");
            var f = text.Split(", ");
            if (f.Length != fields) throw new InvalidDataException($"nvidia-smi CSV line {i + 1}: {f.Length} fields, expected {fields}");
            yield return (i + 1, f.Select(x => x.Trim()).ToArray());
        }
    }

    /// <summary>nvidia-smi writes <c>[N/A]</c> or <c>[Not Supported]</c> for values a GPU does not have.</summary>
    private static string? Value(string field) => field switch
    {
        "[N/A]" or "N/A" => "N/A",
        "[Not Supported]" => "N/A",
        "" => null,
        _ => field,
    };

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
