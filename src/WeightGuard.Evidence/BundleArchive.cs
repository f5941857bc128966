using System.IO.Compression;
using System.Security.Cryptography;

namespace WeightGuard.Evidence;

/// <summary>The SHA-256 (lowercase hex) and length of an entry's bytes, taken as they were inflated.</summary>
/// <param name="Sha256">The digest.</param>
/// <param name="Size">The length in bytes.</param>
public sealed record EntryDigest(string Sha256, long Size);

/// <summary>
/// A bundle zip opened for reading one entry at a time, within <see cref="BundleLimits"/>: only the central directory is
/// held; nothing is extracted to disk; names are checked (no <c>..</c>, no absolute paths, no backslashes, no directories,
/// no duplicates), declared sizes are bounded before anything is inflated and actual sizes while inflating, and a
/// suspicious compression ratio stops an entry from being inflated at all. Every entry's SHA-256 is taken as it is read,
/// so each is inflated once for its hash and its content together. Not thread-safe: read from one thread.
/// </summary>
public sealed class BundleArchive : IDisposable
{
    private readonly ZipArchive? _zip;
    private readonly Dictionary<string, ZipArchiveEntry> _entries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EntryDigest> _digests = new(StringComparer.Ordinal);
    private readonly SortedDictionary<string, string> _failures = new(StringComparer.Ordinal);
    private readonly List<BundleProblem> _problems = [];

    private BundleArchive(ZipArchive? zip) => _zip = zip;

    /// <summary>Problems found when the archive was opened: the archive as a whole, and entries refused by name, size or ratio.</summary>
    public IReadOnlyList<BundleProblem> Problems => _problems;

    /// <summary>False when the archive as a whole was refused (not a zip, truncated, over its limits): it has no entries.</summary>
    public bool Opened => _zip is not null;

    /// <summary>The readable entries' paths, in ordinal order.</summary>
    public IEnumerable<string> Paths => _entries.Keys.Order(StringComparer.Ordinal);

    /// <summary>Entries that could not be inflated as declared (corrupt data, a size that lies), each named once, in path order.</summary>
    public IEnumerable<BundleProblem> EntryProblems => _failures.Select(f => new BundleProblem(f.Key, f.Value));

    /// <summary>True when <paramref name="path"/> is a readable entry.</summary>
    public bool Contains(string path) => _entries.ContainsKey(path);

    /// <summary>Opens <paramref name="zip"/>; a damaged or hostile archive opens with its <see cref="Problems"/> and no entries.</summary>
    /// <param name="zip">The archive; it must be seekable (a zip is read from its end). Left open.</param>
    /// <param name="limits">The bounds.</param>
    /// <exception cref="ArgumentException">The stream cannot seek.</exception>
    public static BundleArchive Open(Stream zip, BundleLimits limits)
    {
        if (!zip.CanSeek) throw new ArgumentException("a bundle is read from a seekable stream", nameof(zip));
        if (ZipEndRecord.DeclaredEntries(zip) is > 0 and var declared && declared > (ulong)limits.MaxEntries)
            return Refused($"{declared} entries exceed the limit of {limits.MaxEntries}");
        zip.Position = 0;
        ZipArchive archive;
        try { archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true); }
        catch (InvalidDataException e) { return Refused($"not a readable zip archive: {e.Message}"); }
        IReadOnlyList<ZipArchiveEntry> all;
        // The central directory is read on first use; a forged one (an entry count the end record disagrees with, a
        // truncated record) is a defect of the bundle, not a crash.
        try { all = archive.Entries; }
        catch (InvalidDataException e)
        {
            archive.Dispose();
            return Refused($"not a readable zip archive: {e.Message}");
        }
        if (all.Count > limits.MaxEntries)
        {
            archive.Dispose();
            return Refused($"{all.Count} entries exceed the limit of {limits.MaxEntries}");
        }
        if (ArchiveProblem(all, zip.Length, limits) is { } tooLarge)
        {
            archive.Dispose();
            return Refused(tooLarge);
        }
        var result = new BundleArchive(archive);
        var twice = all.GroupBy(e => e.FullName, StringComparer.Ordinal).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet(StringComparer.Ordinal);
        var reported = new HashSet<string>(StringComparer.Ordinal);
        foreach (var entry in all)
        {
            var name = entry.FullName;
            if (NameProblem(name) is { } bad) { result._problems.Add(new BundleProblem(Printable(name), bad)); continue; }
            // Neither copy of a duplicated name is trusted.
            if (twice.Contains(name))
            {
                if (reported.Add(name)) result._problems.Add(new BundleProblem(name, "appears twice in the archive"));
                continue;
            }
            if (entry.Length > limits.MaxEntryBytes)
                result._problems.Add(new BundleProblem(name, $"{entry.Length} bytes uncompressed exceed the limit of {limits.MaxEntryBytes} per entry"));
            else if (entry.Length > limits.RatioCheckedAbove && entry.Length > (long)limits.MaxCompressionRatio * Math.Max(entry.CompressedLength, 1))
                result._problems.Add(new BundleProblem(name,
                    $"compression ratio {entry.Length / Math.Max(entry.CompressedLength, 1)}:1 exceeds the limit of {limits.MaxCompressionRatio}:1 (a zip bomb?)"));
            else result._entries[name] = entry;
        }
        return result;
    }

    /// <summary>True when <paramref name="path"/> was read and could not be inflated as declared (see <see cref="EntryProblems"/>).</summary>
    public bool Failed(string path) => _failures.ContainsKey(path);

    /// <summary>
    /// Opens an entry for reading without holding it: what is read is hashed and never passes the size the entry declares.
    /// Disposing the stream reads the rest, then records the entry's digest, or its failure when it cannot be inflated as
    /// declared (a decompression error while reading ends the stream early and is recorded the same way). Null when the
    /// entry is absent or already failed. One entry is read at a time.
    /// </summary>
    public Stream? OpenRead(string path)
    {
        if (!_entries.TryGetValue(path, out var entry) || _failures.ContainsKey(path)) return null;
        try { return new EntryStream(this, path, entry.Open(), entry.Length); }
        catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
        {
            _failures[path] = $"cannot be decompressed: {e.Message}";
            return null;
        }
    }

    /// <summary>An entry's bytes (its digest recorded), or null when it is absent or cannot be inflated as declared.</summary>
    public byte[]? Read(string path)
    {
        if (OpenRead(path) is not { } stream) return null;
        var bytes = new byte[stream.Length];
        using (stream)
        {
            var read = 0;
            while (read < bytes.Length && stream.Read(bytes, read, bytes.Length - read) is > 0 and var n) read += n;
        }
        return Failed(path) ? null : bytes;
    }

    /// <summary>The digest of an entry, inflating it (streamed) when it was not read yet; null when absent or not inflatable.</summary>
    public EntryDigest? Digest(string path)
    {
        if (!_digests.ContainsKey(path)) OpenRead(path)?.Dispose();
        return _digests.GetValueOrDefault(path);
    }

    /// <inheritdoc/>
    public void Dispose() => _zip?.Dispose();

    private static BundleArchive Refused(string problem)
    {
        var archive = new BundleArchive(null);
        archive._problems.Add(new BundleProblem(BundleProblem.Archive, problem));
        return archive;
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

    private static string Printable(string name) =>
        new(name.Select(c => char.IsControl(c) ? '?' : c).ToArray());

    /// <summary>Reads through to an entry's stream, hashing what passes and never past the size the entry declares.</summary>
    private sealed class EntryStream(BundleArchive archive, string path, Stream inner, long declared) : Stream
    {
        private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        private long _position;
        private string? _failure;
        private bool _closed;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => declared;
        public override long Position { get => _position; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var allowed = (int)Math.Min(buffer.Length, declared - _position);
            if (allowed <= 0 || _failure is not null) return 0;
            try
            {
                var n = inner.Read(buffer[..allowed]);
                if (n == 0) _failure = $"holds {_position} bytes, not the {declared} its header declares";
                _hash.AppendData(buffer[..n]);
                _position += n;
                return n;
            }
            catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException)
            {
                _failure = $"cannot be decompressed: {e.Message}";
                return 0;
            }
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_closed)
            {
                _closed = true;
                Span<byte> rest = stackalloc byte[4096];
                while (Read(rest) > 0) { }
                // One byte past the declared size: an entry lying about its size is caught, never inflated further.
                if (_failure is null)
                {
                    try { if (inner.Read(rest[..1]) > 0) _failure = $"inflates beyond the {declared} bytes its header declares"; }
                    catch (Exception e) when (e is InvalidDataException or NotSupportedException or IOException) { _failure = $"cannot be decompressed: {e.Message}"; }
                }
                if (_failure is not null) archive._failures[path] = _failure;
                else archive._digests.TryAdd(path, new EntryDigest(Convert.ToHexStringLower(_hash.GetHashAndReset()), _position));
                inner.Dispose();
                _hash.Dispose();
            }
            base.Dispose(disposing);
        }
    }
}
