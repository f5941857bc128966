using WeightGuard.Collectors.Access;
using WeightGuard.Collectors.Native;
using WeightGuard.Collectors.Weights;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Keys;

/// <summary>
/// Records key files found inside the weight paths (by the inventory walk) and directly beside them (the files in each
/// weight path's parent directory): their kind, mode and owner — never their content.
/// </summary>
public sealed class KeyMaterialCollector(HostRoot root, AccountDatabase accounts)
{
    /// <summary>Collects key evidence.</summary>
    public KeyEvidence Collect(IReadOnlyList<string> weightPaths, IReadOnlyList<KeyCandidate> underWeights)
    {
        var errors = new List<PathError>();
        var found = new SortedDictionary<string, KeyFile>(StringComparer.Ordinal);
        foreach (var k in underWeights) Add(k, "under-weights", found, errors);
        foreach (var parent in weightPaths.Select(p => Path.GetDirectoryName(p.TrimEnd('/'))).Where(p => p is not null).Distinct())
            foreach (var k in Beside(parent!, errors)) Add(k, "beside-weights", found, errors);
        return new KeyEvidence { Files = found.Values.ToList(), Errors = errors };
    }

    private IEnumerable<KeyCandidate> Beside(string hostDirectory, List<PathError> errors)
    {
        var local = root.Resolve(hostDirectory);
        if (!Directory.Exists(local)) return [];
        try
        {
            var result = new List<KeyCandidate>();
            Span<byte> head = stackalloc byte[KeyFileDetector.HeadBytes];
            foreach (var file in new DirectoryInfo(local).EnumerateFiles())
            {
                if (file.Length > KeyFileDetector.MaxKeySize || (file.Attributes & FileAttributes.ReparsePoint) != 0) continue;
                int n;
                try
                {
                    if (!FileHead.TryRead(file.FullName, head, out n)) continue;
                }
                catch (Exception e) when (e is UnauthorizedAccessException or IOException)
                {
                    errors.Add(new PathError(root.ToHostPath(file.FullName), WeightInventoryCollector.Reason(e)));
                    continue;
                }
                if (KeyFileDetector.Detect(file.Name, file.Length, head[..n]) is { } kind)
                    result.Add(new KeyCandidate(root.ToHostPath(file.FullName), file.FullName, kind));
            }
            return result;
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            errors.Add(new PathError(hostDirectory, WeightInventoryCollector.Reason(e)));
            return [];
        }
    }

    private void Add(KeyCandidate k, string location, SortedDictionary<string, KeyFile> found, List<PathError> errors)
    {
        try
        {
            var status = FileStatus.Stat(k.LocalPath);
            found.TryAdd(k.HostPath, new KeyFile
            {
                Path = k.HostPath, Kind = k.Kind, Location = location, Mode = status.OctalMode,
                Owner = accounts.UserName(status.Uid), Group = accounts.GroupName(status.Gid),
            });
        }
        catch (IOException e)
        {
            errors.Add(new PathError(k.HostPath, WeightInventoryCollector.Reason(e)));
        }
    }
}
