using System.Collections.Concurrent;
using WeightGuard.Collectors.Native;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Weights.Hashing;

/// <summary>
/// Hashes weight files in parallel (one file per worker, largest first so the long ones start early), taking digests
/// from the cache for files whose key is unchanged and giving way to busy GPUs. Only regular files are opened.
/// </summary>
/// <param name="cache">Digests of unchanged files; receives every digest computed.</param>
/// <param name="gate">Pauses hashing while a GPU is busy.</param>
/// <param name="parallelism">Files hashed at once.</param>
/// <remarks>Sizes come from the walk and only order the work; what is hashed is what the file holds when it is read.</remarks>
public sealed class WeightHasher(DigestCache cache, GpuBusyGate gate, int parallelism)
{
    /// <summary>Hashes each target. <paramref name="progress"/> receives a line now and then (per large file, per 64 small ones).</summary>
    public HashRun Hash(IReadOnlyList<HashTarget> targets, IProgress<string>? progress = null, CancellationToken cancellation = default)
    {
        var digests = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        var errors = new ConcurrentBag<PathError>();
        int read = 0, fromCache = 0, done = 0;
        long bytes = 0;
        var sized = targets.OrderByDescending(t => t.Size).ToList();
        var totalBytes = sized.Sum(t => t.Size);
        Parallel.ForEach(sized, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation },
            () => new FileDigester(),
            (target, _, digester) =>
            {
                try
                {
                    var status = FileStatus.Stat(target.LocalPath);
                    if (!status.IsRegularFile) throw new IOException("not a regular file; not opened");
                    if (cache.Find(target.LocalPath, DigestCacheKey.From(status)) is { } cached)
                    {
                        digests[target.HostPath] = Convert.ToHexStringLower(cached);
                        Interlocked.Increment(ref fromCache);
                    }
                    else
                    {
                        gate.WaitWhileBusy(cancellation);
                        var (digest, n) = HashOne(target.LocalPath, digester, cancellation);
                        digests[target.HostPath] = Convert.ToHexStringLower(digest);
                        Interlocked.Increment(ref read);
                        Interlocked.Add(ref bytes, n);
                    }
                }
                catch (IOException e) when (e.HResult == LibC.ENOENT)
                {
                    errors.Add(new PathError(target.HostPath, "disappeared before it could be hashed"));
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    errors.Add(new PathError(target.HostPath, "not hashed: " + WeightInventoryCollector.Reason(e)));
                }
                var finished = Interlocked.Increment(ref done);
                // Small files finish by the thousand: a line per 64 of them is enough for a terminal.
                if (progress is not null && (finished % 64 == 0 || finished == sized.Count || target.Size >= FileDigester.CheckpointBytes))
                    progress.Report($"hashing weights: {finished:N0} of {sized.Count:N0} files ({Interlocked.Read(ref bytes) / 1e9:N1} of {totalBytes / 1e9:N1} GB read)");
                return digester;
            },
            _ => { });
        return new HashRun(digests, errors.ToList(), read, fromCache, bytes);
    }

    /// <summary>
    /// Reads and hashes one file. A file that changed while it was read is an error: its digest would describe no
    /// version of it, and must neither be reported nor cached.
    /// </summary>
    private (byte[] Digest, long Bytes) HashOne(string path, FileDigester digester, CancellationToken cancellation)
    {
        using var handle = RegularFile.Open(path, out var before) ?? throw new IOException("not a regular file; not opened");
        var (digest, bytes) = digester.Hash(handle, () => gate.WaitWhileBusy(cancellation), cancellation);
        var key = DigestCacheKey.From(before);
        if (DigestCacheKey.From(FileStatus.Of(handle, path)) != key) throw new IOException("changed while it was being hashed");
        cache.Add(path, key, digest);
        return (digest, bytes);
    }
}

/// <summary>A file to hash.</summary>
/// <param name="HostPath">Its host path (the key of the digest in <see cref="HashRun.Digests"/>).</param>
/// <param name="LocalPath">Where to open it on this machine.</param>
/// <param name="Size">Its size when the walk saw it (larger files start first).</param>
public readonly record struct HashTarget(string HostPath, string LocalPath, long Size);
