using System.Globalization;

namespace WeightGuard.Agent.Files;

/// <summary>
/// The agent's state (identity key, spooled reports with their full evidence, status, caches) is for its owner alone:
/// directories 0700, files 0600. Modes are set explicitly, never left to the umask, and checked again at every start,
/// so that a state directory made by hand, restored from a backup or loosened by an administrator is repaired.
/// Symbolic links are neither followed nor changed. Nothing is done on Windows, where ACLs inherit from the parent.
/// </summary>
public static class StatePermissions
{
    /// <summary>The mode of every directory in the state.</summary>
    public const UnixFileMode Directory = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    /// <summary>The mode of every file in the state.</summary>
    public const UnixFileMode File = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Creates <paramref name="path"/> (and missing parents) owner-only when missing; sets it 0700 either way.</summary>
    public static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            System.IO.Directory.CreateDirectory(path);
            return;
        }
        System.IO.Directory.CreateDirectory(path, Directory);
        System.IO.File.SetUnixFileMode(path, Directory);
    }

    /// <summary>
    /// Creates the state directory when missing and brings it and everything below it to 0700/0600; returns one line per
    /// repair (<c>PATH: 0755 → 0700</c>) for the caller to log.
    /// </summary>
    public static IReadOnlyList<string> Secure(string stateDirectory)
    {
        var repaired = new List<string>();
        if (!System.IO.Directory.Exists(stateDirectory)) CreatePrivateDirectory(stateDirectory);
        if (OperatingSystem.IsWindows()) return repaired;
        Repair(new DirectoryInfo(stateDirectory), Directory, repaired);
        var pending = new Stack<DirectoryInfo>([new DirectoryInfo(stateDirectory)]);
        while (pending.TryPop(out var directory))
        {
            foreach (var entry in directory.EnumerateFileSystemInfos())
            {
                if (entry.LinkTarget is not null) continue;
                if (entry is DirectoryInfo child)
                {
                    Repair(child, Directory, repaired);
                    pending.Push(child);
                }
                else Repair(entry, File, repaired);
            }
        }
        return repaired;
    }

    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    private static void Repair(FileSystemInfo entry, UnixFileMode wanted, List<string> repaired)
    {
        var mode = entry.UnixFileMode;
        if (mode == wanted) return;
        entry.UnixFileMode = wanted;
        repaired.Add(string.Create(CultureInfo.InvariantCulture, $"{entry.FullName}: {Octal(mode)} → {Octal(wanted)}"));
    }

    private static string Octal(UnixFileMode mode) => Convert.ToString((int)mode, 8).PadLeft(4, '0');
}
