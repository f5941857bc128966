using System.Globalization;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform;

/// <summary>A running process: its id, its names and real uid.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="Name">Command name from <c>/proc/PID/comm</c> (at most 15 characters, as the kernel keeps it).</param>
/// <param name="Program">File name of argv[0] from <c>/proc/PID/cmdline</c> (not truncated), or the command name for kernel threads.</param>
/// <param name="Uid">Real uid, or null when <c>status</c> could not be read.</param>
public sealed record ProcessInfo(long Pid, string Name, string Program, uint? Uid);

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
        IEnumerable<string> entries;
        try
        {
            entries = Directory.GetDirectories(proc);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        foreach (var dir in entries)
        {
            if (!long.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) continue;
            if (byPid.Count == MaxProcesses) break;
            try
            {
                var name = root.ReadText($"/proc/{pid}/comm", InputKind.SystemFile)?.Trim();
                if (name is null) continue;
                var argv0 = (root.ReadText($"/proc/{pid}/cmdline", InputKind.SystemFile) ?? "").Split('\0')[0];
                var program = argv0.Length == 0 ? name : argv0[(argv0.LastIndexOf('/') + 1)..];
                byPid[pid] = new ProcessInfo(pid, name, program, Uid(root.ReadText($"/proc/{pid}/status", InputKind.SystemFile)));
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

    /// <summary>Whether any process runs one of these programs (matched against argv[0]'s file name and the command name).</summary>
    public bool AnyNamed(params IEnumerable<string> names)
    {
        var set = names.ToHashSet(StringComparer.Ordinal);
        return _byPid.Values.Any(p => set.Contains(p.Program) || set.Contains(p.Name));
    }

    /// <summary>The real uid from a status file's <c>Uid:</c> line (real, effective, saved, fs).</summary>
    private static uint? Uid(string? status)
    {
        var line = status?.Split('\n').FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal));
        var first = line?[4..].Split(['\t', ' '], StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        return first is not null && uint.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var uid) ? uid : null;
    }
}
