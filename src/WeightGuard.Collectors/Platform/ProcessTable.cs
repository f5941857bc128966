using System.Globalization;

namespace WeightGuard.Collectors.Platform;

/// <summary>A running process: its id, its name (<c>/proc/PID/comm</c>) and real uid.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Name">Command name (at most 15 characters, as the kernel keeps it).</param>
/// <param name="Uid">Real uid, or null when <c>status</c> could not be read.</param>
public sealed record ProcessInfo(long Pid, string Name, uint? Uid);

/// <summary>The processes in <c>/proc</c> under a host root. Processes that exit while being read are skipped.</summary>
public sealed class ProcessTable
{
    /// <summary>Most processes read.</summary>
    public const int MaxProcesses = 1 << 17;

    private readonly Dictionary<long, ProcessInfo> _byPid;

    private ProcessTable(Dictionary<long, ProcessInfo> byPid) => _byPid = byPid;

    /// <summary>All processes read, by pid.</summary>
    public IReadOnlyCollection<ProcessInfo> All => _byPid.Values;

    /// <summary>Reads the table; null when the root has no readable <c>/proc</c> (an offline tree), so "not running" is never guessed.</summary>
    public static ProcessTable? Read(HostRoot root)
    {
        var proc = root.Resolve("/proc");
        if (!Directory.Exists(proc)) return null;
        var byPid = new Dictionary<long, ProcessInfo>();
        foreach (var dir in Directory.EnumerateDirectories(proc))
        {
            if (!long.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (byPid.Count == MaxProcesses) break;
            try
            {
                var name = root.ReadText($"/proc/{pid}/comm", 4096)?.Trim();
                if (name is null) continue;
                byPid[pid] = new ProcessInfo(pid, name, Uid(root.ReadText($"/proc/{pid}/status", 64 * 1024)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                // the process exited or hides itself: it is not counted
            }
        }
        return new ProcessTable(byPid);
    }

    /// <summary>The process with this pid, or null.</summary>
    public ProcessInfo? ByPid(long pid) => _byPid.GetValueOrDefault(pid);

    /// <summary>Whether any process has one of these names.</summary>
    public bool AnyNamed(params IEnumerable<string> names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        return _byPid.Values.Any(p => set.Contains(p.Name));
    }

    /// <summary>The real uid from a status file's <c>Uid:</c> line (real, effective, saved, fs).</summary>
    private static uint? Uid(string? status)
    {
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var first = line?[4..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is not null && uint.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
    }
}
