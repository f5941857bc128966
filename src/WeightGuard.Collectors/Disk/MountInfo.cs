using System.Globalization;
using System.Text;

namespace WeightGuard.Collectors.Disk;

/// <summary>One line of <c>/proc/self/mountinfo</c> (proc(5)), with octal escapes decoded.</summary>
/// <param name="MountId">Unique mount id.</param>
/// <param name="ParentId">Parent mount id.</param>
/// <param name="Major">Device major number (0 for btrfs, ZFS, overlay, tmpfs…).</param>
/// <param name="Minor">Device minor number.</param>
/// <param name="Root">The directory of the file system mounted here.</param>
/// <param name="MountPoint">Where it is mounted.</param>
/// <param name="Options">Per-mount options.</param>
/// <param name="OptionalFields">Optional tagged fields (<c>shared:1</c>, <c>master:2</c>…).</param>
/// <param name="FsType">File system type (<c>ext4</c>, <c>fuse.sshfs</c>).</param>
/// <param name="Source">Mount source (<c>/dev/mapper/root</c>, <c>server:/export</c>, <c>tank/models</c>).</param>
/// <param name="SuperOptions">Per-superblock options.</param>
public sealed record MountInfoEntry(
    int MountId,
    int ParentId,
    int Major,
    int Minor,
    string Root,
    string MountPoint,
    string Options,
    IReadOnlyList<string> OptionalFields,
    string FsType,
    string Source,
    string SuperOptions);

/// <summary>Parses <c>/proc/self/mountinfo</c>.</summary>
public static class MountInfo
{
    /// <summary>Parses every well-formed line; malformed lines are reported through <paramref name="problems"/>.</summary>
    public static IReadOnlyList<MountInfoEntry> Parse(string text, ICollection<string>? problems = null)
    {
        var entries = new List<MountInfoEntry>();
        var lineNumber = 0;
        foreach (var line in text.Split('\n'))
        {
            lineNumber++;
            if (line.Length == 0) continue;
            if (TryParseLine(line) is { } entry) entries.Add(entry);
            else problems?.Add($"/proc/self/mountinfo:{lineNumber}: malformed line");
        }
        return entries;
    }

    private static MountInfoEntry? TryParseLine(string line)
    {
        var f = line.Split(' ');
        // Six fixed fields, any number of optional fields, "-", then three more.
        if (f.Length < 10) return null;
        var separator = Array.IndexOf(f, "-", 6);
        if (separator < 0 || f.Length < separator + 4) return null;
        var majMin = f[2].Split(':');
        if (majMin.Length != 2 || !int.TryParse(f[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ||
            !int.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var parent) ||
            !int.TryParse(majMin[0], NumberStyles.None, CultureInfo.InvariantCulture, out var major) ||
            !int.TryParse(majMin[1], NumberStyles.None, CultureInfo.InvariantCulture, out var minor))
            return null;
        return new MountInfoEntry(id, parent, major, minor, Unescape(f[3]), Unescape(f[4]), f[5], f[6..separator],
            Unescape(f[separator + 1]), Unescape(f[separator + 2]), f[separator + 3]);
    }

    /// <summary>Decodes the kernel's octal escapes (<c>\040</c> space, <c>\011</c> tab, <c>\012</c> newline, <c>\134</c> backslash).</summary>
    public static string Unescape(string field)
    {
        if (!field.Contains('\\')) return field;
        var src = Encoding.UTF8.GetBytes(field);
        var dst = new byte[src.Length];
        var n = 0;
        for (var i = 0; i < src.Length; i++)
        {
            if (src[i] == '\\' && i + 3 < src.Length && src[i + 1] is >= (byte)'0' and <= (byte)'3' &&
                src[i + 2] is >= (byte)'0' and <= (byte)'7' && src[i + 3] is >= (byte)'0' and <= (byte)'7')
            {
                dst[n++] = (byte)((src[i + 1] - '0') * 64 + (src[i + 2] - '0') * 8 + (src[i + 3] - '0'));
                i += 3;
            }
            else dst[n++] = src[i];
        }
        return Encoding.UTF8.GetString(dst, 0, n);
    }
}
