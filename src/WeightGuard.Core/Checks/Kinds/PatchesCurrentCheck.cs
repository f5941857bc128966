using System.Globalization;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// No security update is pending (from package metadata refreshed recently enough to tell; on Windows, no installed
/// update waits for a reboot and the newest one is recent), and an NVIDIA driver, where there is one, is not older than
/// the profile's minimum.
/// </summary>
public sealed class PatchesCurrentCheck : ICheck, IValidatesParameters
{
    /// <inheritdoc />
    public string Kind => "patches-current";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } =
    [
        new("max-pending-security", ParamType.Integer, ParamValue.Of("0"), "Most pending security updates tolerated."),
        new("max-list-age-days", ParamType.Integer, ParamValue.Of("7"), "Oldest package lists (days since apt-get update) that can vouch for 'nothing pending'."),
        new("min-gpu-driver", ParamType.String, ParamValue.Of("550.0"), "Oldest NVIDIA driver accepted (dotted version)."),
        new("max-update-age-days", ParamType.Integer, ParamValue.Of("35"), "Windows: oldest newest-installed update accepted (monthly cumulative updates plus a few days)."),
    ];

    /// <inheritdoc />
    public IEnumerable<string> Validate(IReadOnlyDictionary<string, ParamValue> parameters)
    {
        if (parameters.TryGetValue("min-gpu-driver", out var v) && Version(v.AsString()) is null)
            yield return $"min-gpu-driver '{v}' is not a dotted version such as 550.54.15";
    }

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Patches, "patches", out var patches) is { } missing) return missing;
        var problems = new List<string>();
        var pointers = new List<string>();
        if (!patches.Determinable)
        {
            if (patches.PackageManager != "dpkg") return CheckOutcome.Error($"pending security updates cannot be determined: {patches.Reason}", EvidencePointer.To("patches", "reason"));
            problems.Add(patches.Reason ?? "no security suite in the package lists");
            pointers.Add(EvidencePointer.To("patches", "reason"));
        }
        else
        {
            if (patches.ListsAgeDays > context.Integer("max-list-age-days"))
            {
                problems.Add($"package metadata is {patches.ListsAgeDays} days old, too old to tell what is pending (refresh it: apt-get update, dnf makecache)");
                pointers.Add(EvidencePointer.To("patches", "listsAgeDays"));
            }
            if (patches.NewestUpdateAgeDays > context.Integer("max-update-age-days"))
            {
                problems.Add($"the newest installed update is {patches.NewestUpdateAgeDays} days old, so at least one monthly update was missed");
                pointers.Add(EvidencePointer.To("patches", "newestUpdateAgeDays"));
            }
            if (patches.PendingCount > context.Integer("max-pending-security"))
            {
                problems.Add(patches.PackageManager == "windows-update"
                    ? $"{patches.PendingCount} installed update(s) wait for a reboot to take effect"
                    : $"{patches.PendingCount} security update(s) pending, e.g. {string.Join(", ", patches.Pending.Take(5).Select(p => $"{p.Package} {p.Installed} → {p.Available}"))}");
                pointers.Add(EvidencePointer.To("patches", "pending"));
            }
        }
        var driverNote = "";
        if (context.Evidence.Gpu is { Present: true } gpu)
        {
            var minimum = context.String("min-gpu-driver");
            if (gpu.DriverVersion is null || Version(gpu.DriverVersion) is not { } have)
                return CheckOutcome.Error("an NVIDIA GPU is present but its driver version could not be read", EvidencePointer.To("gpu", "driverVersion"));
            if (Compare(have, Version(minimum)!) < 0)
            {
                problems.Add($"NVIDIA driver {gpu.DriverVersion} is older than {minimum}");
                pointers.Add(EvidencePointer.To("gpu", "driverVersion"));
            }
            driverNote = $"; NVIDIA driver {gpu.DriverVersion}";
        }
        return problems.Count == 0
            ? CheckOutcome.Pass(patches.PackageManager == "windows-update"
                ? $"newest of {patches.InstalledPackages} installed updates is {patches.NewestUpdateAgeDays} day(s) old, none waits for a reboot{driverNote}"
                : $"no security update pending among {patches.InstalledPackages} packages (lists {patches.ListsAgeDays} day(s) old){driverNote}", EvidencePointer.To("patches"))
            : CheckOutcome.Fail(string.Join("; ", problems), pointers);
    }

    private static long[]? Version(string text)
    {
        var parts = text.Split('.');
        var numbers = new long[parts.Length];
        for (var i = 0; i < parts.Length; i++)
            if (!long.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out numbers[i])) return null;
        return numbers;
    }

    private static int Compare(long[] a, long[] b)
    {
        for (var i = 0; i < Math.Max(a.Length, b.Length); i++)
        {
            var c = (i < a.Length ? a[i] : 0).CompareTo(i < b.Length ? b[i] : 0);
            if (c != 0) return c;
        }
        return 0;
    }
}
