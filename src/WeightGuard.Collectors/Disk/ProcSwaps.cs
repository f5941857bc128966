using System.Globalization;

namespace WeightGuard.Collectors.Disk;

/// <summary>One active swap area from <c>/proc/swaps</c>.</summary>
/// <param name="Path">The device or file (octal escapes decoded).</param>
/// <param name="Type"><c>partition</c> or <c>file</c>.</param>
/// <param name="SizeKiB">Size in KiB.</param>
public sealed record SwapEntry(string Path, string Type, long SizeKiB);

/// <summary>Parses <c>/proc/swaps</c>: a header line, then <c>Filename Type Size Used Priority</c> per area.</summary>
public static class ProcSwaps
{
    /// <summary>Parses the swap areas; the header and malformed lines are skipped.</summary>
    public static IReadOnlyList<SwapEntry> Parse(string text)
    {
        var list = new List<SwapEntry>();
        foreach (var line in text.Split('\n').Skip(1))
        {
            var f = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 3 || !long.TryParse(f[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size)) continue;
            list.Add(new SwapEntry(MountInfo.Unescape(f[0]), f[1], size));
        }
        return list;
    }
}
