using System.Buffers.Binary;
using System.Text.RegularExpressions;
using WeightGuard.Collectors.Keys;
using WeightGuard.Collectors.Native;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Weights;

/// <summary>Limits that keep a walk bounded on hostile trees.</summary>
/// <param name="MaxEntries">Stop after this many file-system entries (the inventory is then marked truncated).</param>
/// <param name="MaxDepth">Do not descend deeper than this below a weight path.</param>
/// <param name="LookForKeys">Also open small files not named like weights to find key material kept beside them.</param>
public sealed record WeightWalkOptions(long MaxEntries = 5_000_000, int MaxDepth = 64, bool LookForKeys = true);

/// <summary>A file found under a weight path that holds key material.</summary>
/// <param name="HostPath">Its host path.</param>
/// <param name="LocalPath">Where to open it on this machine.</param>
/// <param name="Kind">What kind of key (see <see cref="KeyFileDetector"/>).</param>
public sealed record KeyCandidate(string HostPath, string LocalPath, string Kind);

/// <summary>What one walk of the weight paths found.</summary>
/// <param name="Inventory">The weights evidence.</param>
/// <param name="WeightTargets">Each distinct real weight file: its host path and where to open it, for the access collector.</param>
/// <param name="Keys">Key files found under the weight paths.</param>
public sealed record WeightWalk(WeightInventory Inventory, IReadOnlyList<(string HostPath, string LocalPath)> WeightTargets, IReadOnlyList<KeyCandidate> Keys);

/// <summary>
/// Walks the weight paths once and classifies every file: weights by extension and magic bytes (safetensors, GGUF,
/// PyTorch, ONNX, HDF5, Keras, TensorFlow, NumPy; Hugging Face hub caches through their snapshot links), and key material.
/// Follows directory links once each (loops are detected by device and inode) and never reads more than a file's head.
/// </summary>
public sealed partial class WeightInventoryCollector(HostRoot root, WeightWalkOptions? options = null)
{
    private readonly WeightWalkOptions _options = options ?? new WeightWalkOptions();

    /// <summary>Walks <paramref name="weightPaths"/> (host paths). <paramref name="progress"/> receives the entry count now and then.</summary>
    public WeightWalk Collect(IReadOnlyList<string> weightPaths, IProgress<long>? progress = null, CancellationToken cancellation = default)
    {
        var state = new WalkState(progress);
        var roots = new List<WeightRoot>();
        foreach (var path in weightPaths.Distinct(StringComparer.Ordinal))
        {
            var local = root.Resolve(path);
            FileStatus status;
            try
            {
                status = FileStatus.Stat(local);
            }
            catch (IOException e) when (e.HResult == LibC.ENOENT)
            {
                roots.Add(new WeightRoot(path, "missing", "does not exist"));
                continue;
            }
            catch (IOException e)
            {
                roots.Add(new WeightRoot(path, "unreadable", Reason(e)));
                continue;
            }
            if (status.IsDirectory)
            {
                try
                {
                    using var probe = Directory.EnumerateFileSystemEntries(local).GetEnumerator();
                    probe.MoveNext();
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    roots.Add(new WeightRoot(path, "unreadable", Reason(e)));
                    continue;
                }
                roots.Add(new WeightRoot(path, "scanned", null));
                Walk(local, status, state, cancellation);
            }
            else
            {
                roots.Add(new WeightRoot(path, "scanned", null));
                state.Apply(Classify(local, local, Path.GetFileName(local), status.Size));
            }
        }
        progress?.Report(state.Entries);
        var inventory = new WeightInventory
        {
            Roots = roots,
            Files = state.Files.OrderBy(f => f.Path, StringComparer.Ordinal).ToList(),
            Mismatched = state.Mismatched.OrderBy(m => m.Path, StringComparer.Ordinal).ToList(),
            Errors = state.Errors.OrderBy(e => e.Path, StringComparer.Ordinal).ToList(),
            EntriesVisited = state.Entries,
            Truncated = state.Truncated,
        };
        var targets = state.Targets.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => (t.Key, t.Value)).ToList();
        return new WeightWalk(inventory, targets, state.Keys.OrderBy(k => k.HostPath, StringComparer.Ordinal).ToList());
    }

    private sealed class WalkState(IProgress<long>? progress)
    {
        public readonly List<WeightFile> Files = [];
        public readonly List<MismatchedFile> Mismatched = [];
        public readonly List<PathError> Errors = [];
        public readonly List<KeyCandidate> Keys = [];
        public readonly SortedDictionary<string, string> Targets = new(StringComparer.Ordinal);
        public readonly HashSet<(uint, uint, ulong)> VisitedDirectories = [];
        public long Entries;
        public bool Truncated;

        public void Count()
        {
            if (++Entries % 4096 == 0) progress?.Report(Entries);
        }

        public void Apply(Finding finding)
        {
            if (finding.Weight is { } weight)
            {
                Files.Add(weight);
                Targets.TryAdd(finding.TargetHost!, finding.LocalFile!);
            }
            if (finding.Mismatch is { } mismatch) Mismatched.Add(mismatch);
            if (finding.Key is { } key) Keys.Add(key);
            if (finding.Error is { } error) Errors.Add(error);
        }
    }

    private void Walk(string start, FileStatus startStatus, WalkState state, CancellationToken cancellation)
    {
        var pending = new Stack<(string Path, int Depth)>();
        state.VisitedDirectories.Add((startStatus.DeviceMajor, startStatus.DeviceMinor, startStatus.Inode));
        pending.Push((start, 0));
        var files = new List<(string Path, string Name)>();
        while (pending.Count > 0 && !state.Truncated)
        {
            cancellation.ThrowIfCancellationRequested();
            var (dir, depth) = pending.Pop();
            List<DirectoryEntry> entries;
            try
            {
                entries = DirectoryListing.Read(dir);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                state.Errors.Add(new PathError(root.ToHostPath(dir), Reason(e)));
                continue;
            }
            entries.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
            files.Clear();
            foreach (var entry in entries)
            {
                if (state.Entries >= _options.MaxEntries) { state.Truncated = true; break; }
                state.Count();
                var path = Path.Join(dir, entry.Name);
                switch (entry.Type == DirectoryEntryType.Unknown ? TypeOf(path) : entry.Type)
                {
                    case DirectoryEntryType.SymbolicLink: FollowLink(path, entry.Name, depth, pending, state); break;
                    case DirectoryEntryType.Directory: Descend(path, depth, pending, state); break;
                    case DirectoryEntryType.Regular: files.Add((path, entry.Name)); break;
                    // FIFOs, devices and sockets are never opened; an entry that vanished has nothing to classify
                }
            }
            ClassifyAll(files, state, cancellation);
        }
    }

    /// <summary>The type of an entry whose directory does not record types (<c>d_type</c> unknown).</summary>
    private static DirectoryEntryType TypeOf(string path)
    {
        try
        {
            var status = FileStatus.Lstat(path);
            return status.IsSymlink ? DirectoryEntryType.SymbolicLink : status.IsDirectory ? DirectoryEntryType.Directory
                : status.IsRegularFile ? DirectoryEntryType.Regular : DirectoryEntryType.Unknown;
        }
        catch (IOException)
        {
            return DirectoryEntryType.Unknown;
        }
    }

    /// <summary>
    /// Classifies the regular files of one directory, in parallel when there are many (head reads dominate a walk of
    /// small files); findings are applied in entry order, so the result does not depend on scheduling.
    /// </summary>
    private void ClassifyAll(List<(string Path, string Name)> files, WalkState state, CancellationToken cancellation)
    {
        var findings = new Finding[files.Count];
        if (files.Count < ParallelClassifyThreshold || Environment.ProcessorCount == 1)
            for (var i = 0; i < files.Count; i++) findings[i] = Classify(files[i].Path, files[i].Path, files[i].Name, null);
        else
            Parallel.For(0, files.Count, new ParallelOptions { CancellationToken = cancellation },
                i => findings[i] = Classify(files[i].Path, files[i].Path, files[i].Name, null));
        foreach (var finding in findings) state.Apply(finding);
    }

    private const int ParallelClassifyThreshold = 64;

    private void Descend(string path, int depth, Stack<(string, int)> pending, WalkState state, FileStatus? known = null)
    {
        if (depth + 1 > _options.MaxDepth)
        {
            state.Errors.Add(new PathError(root.ToHostPath(path), $"deeper than {_options.MaxDepth} levels; not walked"));
            return;
        }
        FileStatus status;
        try
        {
            status = known ?? FileStatus.Stat(path);
        }
        catch (IOException e)
        {
            state.Errors.Add(new PathError(root.ToHostPath(path), Reason(e)));
            return;
        }
        if (state.VisitedDirectories.Add((status.DeviceMajor, status.DeviceMinor, status.Inode))) pending.Push((path, depth + 1));
    }

    private void FollowLink(string link, string name, int depth, Stack<(string, int)> pending, WalkState state)
    {
        string target;
        FileStatus status;
        try
        {
            target = ResolveLink(link);
            status = FileStatus.Stat(target);
        }
        catch (IOException e) when (e.HResult == LibC.ENOENT)
        {
            if (WeightFormatDetector.IsCandidate(name))
                state.Mismatched.Add(new MismatchedFile(root.ToHostPath(link), "symbolic link to a file that does not exist"));
            return;
        }
        catch (IOException e)
        {
            state.Errors.Add(new PathError(root.ToHostPath(link), Reason(e)));
            return;
        }
        if (status.IsDirectory) Descend(target, depth, pending, state, status);
        else if (status.IsRegularFile) state.Apply(Classify(link, target, name, status.Size));
    }

    /// <summary>Resolves a chain of links, re-rooting absolute targets under the host root (a tree's links point into the tree).</summary>
    private string ResolveLink(string path)
    {
        for (var hops = 0; hops < 40; hops++)
        {
            var target = new FileInfo(path).LinkTarget;
            if (target is null) return path;
            path = target.StartsWith('/') ? root.Resolve(target) : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(path)!, target));
        }
        throw new IOException($"{root.ToHostPath(path)}: too many levels of symbolic links", LibC.ELOOP);
    }

    /// <summary>What classifying one file found (all null: nothing); applied to the walk state by <see cref="WalkState.Apply"/>.</summary>
    private readonly record struct Finding(WeightFile? Weight, string? TargetHost, string? LocalFile, MismatchedFile? Mismatch, KeyCandidate? Key, PathError? Error);

    /// <summary>
    /// Classifies one file by name, size and head. <paramref name="size"/> is null when not yet known (taken from the open
    /// file, or from one statx when the name does not promise weights and the file may be too large to read).
    /// Reads a head only when the name promises weights or the file is small enough to be a key and not empty.
    /// </summary>
    private Finding Classify(string foundAt, string localFile, string name, long? size)
    {
        var isWeight = WeightFormatDetector.IsCandidate(name);
        // A walk that looks only for weights never opens a file its name does not make a candidate.
        if (!isWeight && !_options.LookForKeys) return default;
        try
        {
            FileStatus? seen = null;
            if (size is null && !isWeight)
            {
                seen = FileStatus.Stat(localFile);
                if (!seen.Value.IsRegularFile) return default;
                size = seen.Value.Size;
            }
            if (!isWeight && size > KeyFileDetector.MaxKeySize) return default;
            Span<byte> head = stackalloc byte[Math.Max(WeightFormatDetector.HeadBytes, KeyFileDetector.HeadBytes)];
            var read = 0;
            // An empty file has no head to read: only its name can make it a key.
            if (isWeight || size > 0)
            {
                using var file = RegularFile.Open(localFile, out var opened, seen);
                if (file is null) return default;
                size ??= opened.Size;
                read = RegularFile.ReadAt(file, head, 0);
            }
            head = head[..read];
            var length = size.GetValueOrDefault(); // known by now: from the caller, the statx or the open file
            if (!isWeight)
                return KeyFileDetector.Detect(name, length, head) is { } kind ? new Finding { Key = new KeyCandidate(root.ToHostPath(foundAt), localFile, kind) } : default;
            var detection = WeightFormatDetector.Detect(name, length, head);
            if (detection.Format == "tf-variables" && !HasTensorFlowIndex(localFile))
                detection = new WeightDetection(null, "named like a TensorFlow variables shard but no valid variables.index beside it");
            var hostPath = root.ToHostPath(foundAt);
            if (detection.Format is null) return new Finding { Mismatch = new MismatchedFile(hostPath, detection.Mismatch!) };
            var targetHost = root.ToHostPath(localFile);
            return new Finding
            {
                Weight = new WeightFile
                {
                    Path = hostPath,
                    Target = targetHost == hostPath ? null : targetHost,
                    Format = detection.Format,
                    Size = length,
                    HuggingFaceRepo = HubRepo().Match(hostPath) is { Success: true } m ? $"{m.Groups[1].Value}/{m.Groups[2].Value}" : null,
                },
                TargetHost = targetHost,
                LocalFile = localFile,
            };
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return new Finding { Error = new PathError(root.ToHostPath(foundAt), Reason(e)) };
        }
    }

    private static bool HasTensorFlowIndex(string shard)
    {
        var index = Path.Combine(Path.GetDirectoryName(shard)!, "variables.index");
        try
        {
            using var stream = BoundedFile.OpenStream(index);
            if (stream.Length < 8) return false;
            Span<byte> tail = stackalloc byte[8];
            stream.Seek(-8, SeekOrigin.End);
            stream.ReadExactly(tail);
            return BinaryPrimitives.ReadUInt64LittleEndian(tail) == WeightFormatDetector.TensorFlowTableMagic;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            return false;
        }
    }

    internal static string Reason(Exception e) => e switch
    {
        UnauthorizedAccessException => "permission denied",
        IOException { HResult: LibC.ELOOP } => "symbolic link loop",
        _ => e.Message,
    };

    [GeneratedRegex("/models--([^/]+?)--([^/]+)/")]
    private static partial Regex HubRepo();
}
