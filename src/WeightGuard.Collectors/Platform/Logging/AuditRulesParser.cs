using System.Globalization;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Logging;

/// <summary>What a set of audit rules does to file access and to the audit system itself.</summary>
/// <param name="Watches">File-system watches in force at the end (a <c>-D</c> drops those before it).</param>
/// <param name="EnabledFlag">The last <c>-e</c> value, or null.</param>
/// <param name="Errors">Lines auditctl would reject, as <c>file:line: problem</c>.</param>
public sealed record AuditRules(IReadOnlyList<AuditWatch> Watches, int? EnabledFlag, IReadOnlyList<string> Errors);

/// <summary>
/// Reads audit rules in auditctl(8) syntax, one rule per line: <c>-w PATH [-p rwxa] [-k KEY]</c>, and
/// <c>-a always,exit … -F path=|dir=PATH [-F perm=…] [-S syscall]… [-k KEY]</c>, plus <c>-e</c>, <c>-D</c> and the
/// buffer and failure settings. Lines auditctl would reject are listed as errors and skipped, as <c>auditctl -R</c>
/// (and <c>augenrules</c>) skip them without <c>-c</c>.
/// </summary>
public sealed class AuditRulesParser(Func<string, bool> isDirectory)
{
    /// <summary>Most rules read in all files.</summary>
    public const int MaxRules = 100_000;

    /// <summary>Most errors kept.</summary>
    public const int MaxErrors = 100;

    private static readonly HashSet<string> ValueOptions = new(StringComparer.Ordinal)
    {
        "-b", "-f", "-r", "--backlog_wait_time", "-W", "-d", "-t", "-s", "-l", "-h", "-q", "-C", "--signal",
    };
    private static readonly HashSet<string> FlagOptions = new(StringComparer.Ordinal) { "-D", "-i", "-c", "--loginuid-immutable", "--reset-lost", "--reset" };

    private readonly List<AuditWatch> _watches = [];
    private readonly List<string> _errors = [];
    private int? _enabled;
    private int _rules;

    /// <summary>Adds one rules file.</summary>
    /// <exception cref="InvalidDataException">More than <see cref="MaxRules"/> rules in all.</exception>
    public AuditRulesParser Add(string text, string file)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            if (++_rules > MaxRules) throw new InvalidDataException($"{file}:{i + 1}: more than {MaxRules} audit rules");
            var problem = Rule(line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries), $"{file}:{i + 1}");
            if (problem is not null && _errors.Count < MaxErrors) _errors.Add($"{file}:{i + 1}: {problem}");
        }
        return this;
    }

    /// <summary>The rules read so far.</summary>
    public AuditRules Result() => new(_watches.ToList(), _enabled, _errors.ToList());

    /// <summary>Applies one rule; returns why auditctl would reject it, or null.</summary>
    private string? Rule(string[] t, string at)
    {
        string? watch = null, perms = null, key = null, list = null, path = null, fieldPerm = null;
        var subtree = false;
        var syscalls = new List<string>();
        for (var i = 0; i < t.Length; i++)
        {
            var option = t[i];
            string? Next() => i + 1 < t.Length ? t[++i] : null;
            switch (option)
            {
                case "-w": watch = Next() ?? null; if (watch is null) return "-w needs a path"; break;
                case "-p": perms = Next(); if (perms is null || perms.Length == 0 || perms.Any(c => c is not ('r' or 'w' or 'x' or 'a'))) return $"-p takes letters of rwxa, found '{Clip(perms ?? "")}'"; break;
                case "-k": key = Next(); if (key is null) return "-k needs a key"; break;
                case "-a" or "-A": list = Next(); if (list is null) return $"{option} needs list,action"; break;
                case "-S": if (Next() is not { } s) return "-S needs a system call"; syscalls.AddRange(s.Split(',')); break;
                case "-F":
                    if (Next() is not { } field) return "-F needs field=value";
                    var eq = field.IndexOf('=');
                    if (eq <= 0) return $"-F '{Clip(field)}' is not field=value";
                    var (name, value) = (field[..eq].TrimEnd('!', '<', '>', '&'), field[(eq + 1)..]);
                    switch (name)
                    {
                        case "path": path = value; subtree = false; break;
                        case "dir": path = value; subtree = true; break;
                        case "perm": fieldPerm = value; break;
                        case "key": key = value; break;
                    }
                    break;
                case "-e":
                    if (Next() is not { } e || !int.TryParse(e, NumberStyles.None, CultureInfo.InvariantCulture, out var flag) || flag > 2) return "-e takes 0, 1 or 2";
                    if (_enabled == 2) return "-e 2 already locked the rules: nothing after it is loaded";
                    _enabled = flag;
                    break;
                case "-D":
                    if (_enabled == 2) return "-e 2 already locked the rules: nothing after it is loaded";
                    _watches.Clear();
                    break;
                default:
                    if (ValueOptions.Contains(option)) { if (Next() is null) return $"{option} needs a value"; break; }
                    if (FlagOptions.Contains(option)) break;
                    return $"unknown option '{Clip(option)}'";
            }
        }
        if (watch is null && list is null) return null;
        if (_enabled == 2) return "-e 2 already locked the rules: nothing after it is loaded";
        if (watch is not null)
        {
            if (!watch.StartsWith('/')) return $"watch path '{Clip(watch)}' is not absolute";
            _watches.Add(new AuditWatch(watch.TrimEnd('/') is { Length: > 0 } w ? w : "/", isDirectory(watch), perms ?? "rwxa", key, at));
            return null;
        }
        var parts = list!.Split(',');
        if (parts.Length != 2 || !parts.Contains("exit") && !parts.Contains("task") && !parts.Contains("user") && !parts.Contains("exclude") && !parts.Contains("filesystem"))
            return $"'{Clip(list)}' is not list,action";
        if (path is null || !parts.Contains("exit") || !parts.Contains("always")) return null;
        if (!path.StartsWith('/')) return $"path '{Clip(path)}' is not absolute";
        var permissions = fieldPerm ?? (syscalls.Count == 0 || syscalls.Contains("all") ? "rwxa" : FromSyscalls(syscalls));
        if (permissions.Length > 0) _watches.Add(new AuditWatch(path.TrimEnd('/') is { Length: > 0 } p ? p : "/", subtree, permissions, key, at));
        return null;
    }

    /// <summary>The access types that a syscall list audits.</summary>
    private static string FromSyscalls(List<string> syscalls)
    {
        var perms = "";
        if (syscalls.Any(s => s is "open" or "openat" or "openat2" or "open_by_handle_at" or "read" or "pread64" or "readv" or "mmap" or "sendfile" or "copy_file_range")) perms += "r";
        if (syscalls.Any(s => s is "write" or "pwrite64" or "writev" or "truncate" or "ftruncate" or "rename" or "renameat" or "renameat2" or "unlink" or "unlinkat")) perms += "w";
        if (syscalls.Any(s => s is "execve" or "execveat")) perms += "x";
        if (syscalls.Any(s => s.StartsWith("chmod", StringComparison.Ordinal) || s.StartsWith("fchmod", StringComparison.Ordinal) || s.Contains("chown", StringComparison.Ordinal) || s.Contains("xattr", StringComparison.Ordinal))) perms += "a";
        return perms;
    }

    private static string Clip(string s) => s.Length > 40 ? s[..40] + "…" : s;
}
