using System.IO.Compression;

namespace WeightGuard.Evidence;

/// <summary>
/// Reads a bundle zip into memory, entry by entry, within <see cref="BundleLimits"/>: nothing is extracted to disk, names
/// are checked (no <c>..</c>, no absolute paths, no backslashes, no directories, no duplicates), declared and actual sizes
/// are bounded before and while inflating, and a suspicious compression ratio stops an entry from being inflated at all.
/// </summary>
public static class BundleArchive
{
    /// <summary>The readable entries by path, and a problem for every entry refused.</summary>
    /// <param name="zip">The archive; it must be seekable (a zip is read from its end).</param>
    /// <param name="limits">The bounds.</param>
    /// <exception cref="ArgumentException">The stream cannot seek.</exception>
    public static (IReadOnlyDictionary<string, byte[]> Entries, IReadOnlyList<BundleProblem> Problems) Read(Stream zip, BundleLimits limits)
    {
        if (!zip.CanSeek) throw new ArgumentException("a bundle is read from a seekable stream", nameof(zip));
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        var problems = new List<BundleProblem>();
        if (ZipEndRecord.DeclaredEntries(zip) is > 0 and var declared && declared > (ulong)limits.MaxEntries)
        {
            problems.Add(new BundleProblem(BundleProblem.Archive, $"{declared} entries exceed the limit of {limits.MaxEntries}"));
            return (entries, problems);
        }
        zip.Position = 0;
        ZipArchive archive;
        try { archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e)
        {
            problems.Add(new BundleProblem(BundleProblem.Archive, $"not a readable zip archive: {e.Message}"));
            return (entries, problems);
        }
        using (archive)
        {
            IReadOnlyList<ZipArchiveEntry> all;
            // The central directory is read on first use; a forged one (an entry count the end record disagrees with,
            // a truncated record) is a defect of the bundle, not a crash.
            try { all = archive.Entries; }
            catch (InvalidDataException e)
            {
                problems.Add(new BundleProblem(BundleProblem.Archive, $"not a readable zip archive: {e.Message}"));
                return (entries, problems);
            }
            if (all.Count > limits.MaxEntries)
            {
                problems.Add(new BundleProblem(BundleProblem.Archive, $"{all.Count} entries exceed the limit of {limits.MaxEntries}"));
                return (entries, problems);
            }
            if (ArchiveProblem(all, zip.Length, limits) is { } tooLarge)
            {
                problems.Add(new BundleProblem(BundleProblem.Archive, tooLarge));
                return (entries, problems);
            }
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var entry in all)
            {
                var name = entry.FullName;
                if (NameProblem(name) is { } bad) { problems.Add(new BundleProblem(Printable(name), bad)); continue; }
                if (!seen.Add(name)) { problems.Add(new BundleProblem(name, "appears twice in the archive")); entries.Remove(name); continue; }
                if (entry.Length > limits.MaxEntryBytes)
                {
                    problems.Add(new BundleProblem(name, $"{entry.Length} bytes uncompressed exceed the limit of {limits.MaxEntryBytes} per entry"));
                    continue;
                }
                if (entry.Length > limits.RatioCheckedAbove && entry.Length > (long)limits.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
                {
                    problems.Add(new BundleProblem(name, $"compression ratio {entry.Length / Math.Max(entry.CompressedLength, 1)}:1 exceeds the limit of {limits.MaxCompressionRatio}:1 (a zip bomb?)"));
                    continue;
                }
                if (Inflate(entry, out var bytes) is { } failure) problems.Add(new BundleProblem(name, failure));
                else entries[name] = bytes;
            }
        }
        return (entries, problems);
    }

    /// <summary>
    /// Why the archive as a whole is refused before any entry is inflated: its declared uncompressed size (the sum of the
    /// entries' headers, each of which is also enforced while inflating) against the total limit and the archive ratio.
    /// </summary>
    private static string? ArchiveProblem(IReadOnlyList<ZipArchiveEntry> all, long archiveBytes, BundleLimits limits)
    {
        var declared = all.Sum(e => Math.Min(e.Length, limits.MaxEntryBytes + 1));
        if (declared > limits.MaxTotalBytes)
            return $"declares {declared} bytes uncompressed, more than the limit of {limits.MaxTotalBytes}";
        if (declared > limits.ArchiveRatioCheckedAbove && declared > (long)limits.MaxArchiveRatio * Math.Max(archiveBytes, 1))
            return $"declares {declared} bytes uncompressed in {archiveBytes} (ratio {declared / Math.Max(archiveBytes, 1)}:1, limit {limits.MaxArchiveRatio}:1 for the whole archive; a zip bomb?)";
        return null;
    }

    /// <summary>Why a name is refused, or null. The layout's own names never need any of this.</summary>
    internal static string? NameProblem(string name)
    {
        if (name.Length == 0) return "an entry has an empty name";
        if (name.Contains('\\')) return "backslash in the entry name (only / separates folders)";
        if (name.StartsWith('/') || (name.Length >= 2 && name[1] == ':')) return "absolute path in the entry name";
        if (name.EndsWith('/')) return "directory entries are not part of the layout";
        if (name.Any(char.IsControl)) return "control character in the entry name";
        if (name.Split('/').Any(segment => segment is ".." or "." or "")) return "path traversal ('..', '.' or an empty segment) in the entry name";
        return null;
    }

    /// <summary>Inflates one entry, reading one byte more than declared so that an entry lying about its size is caught.</summary>
    private static string? Inflate(ZipArchiveEntry entry, out byte[] bytes)
    {
        bytes = new byte[entry.Length];
        try
        {
            using var stream = entry.Open();
            var read = 0;
            while (read < bytes.Length)
            {
                var n = stream.Read(bytes, read, bytes.Length - read);
                if (n == 0) return $"holds {read} bytes, not the {entry.Length} its header declares";
                read += n;
            }
            Span<byte> extra = stackalloc byte[1];
            return stream.Read(extra) == 0 ? null : $"inflates beyond the {entry.Length} bytes its header declares";
        }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException) { return $"cannot be decompressed: {e.Message}"; }
    }

    private static string Printable(string name) =>
        new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
