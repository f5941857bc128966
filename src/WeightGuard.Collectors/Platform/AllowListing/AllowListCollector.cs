using System.Globalization;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Platform.AllowListing;

/// <summary>
/// Reads the Linux application allow-listing mechanisms from files: fapolicyd's <c>permissive</c> setting and its
/// unit's boot enablement (and its process, on a live host), and IMA appraisal from the kernel command line
/// (<c>ima_appraise=</c>, <c>ima_policy=</c>) and the IMA policy (the loaded one in securityfs, else the one systemd
/// loads at boot from <c>/etc/ima/ima-policy</c>).
/// </summary>
public sealed class AllowListCollector(HostRoot root, ProcessTable? processes)
{
    /// <summary>Most appraise rules kept; a policy is a few dozen lines.</summary>
    public const int MaxAppraiseRules = 256;

    private const string FapolicydConf = "/etc/fapolicyd/fapolicyd.conf";
    private static readonly string[] ImaPolicies = ["/sys/kernel/security/ima/policy", "/etc/ima/ima-policy"];

    /// <summary>Collects the allow-listing evidence.</summary>
    public AllowListEvidence Collect()
    {
        var errors = new List<PathError>();
        return new AllowListEvidence { Fapolicyd = Fapolicyd(errors), Ima = Ima(errors), Errors = errors };
    }

    private FapolicydState? Fapolicyd(List<PathError> errors)
    {
        var conf = Read(FapolicydConf, InputKind.ConfigFile, errors);
        if (conf is null) return null;
        int permissive = 0;
        string? source = null;
        var lines = conf.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            // fapolicyd.conf(5): "name = value", '#' starts a comment line; the last setting wins
            var line = lines[i].Trim();
            if (line.StartsWith('#') || !line.StartsWith("permissive", StringComparison.Ordinal)) continue;
            var eq = line.IndexOf('=');
            if (eq < 0 || line[..eq].Trim() != "permissive") continue;
            if (!int.TryParse(line[(eq + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out permissive))
            {
                errors.Add(new PathError($"{FapolicydConf}:{i + 1}", "permissive is not a number"));
                permissive = 1; // fapolicyd refuses to start on a bad value; count it as not enforcing
            }
            source = $"{FapolicydConf}:{i + 1}";
        }
        return new FapolicydState(permissive, source, SystemdUnits.IsEnabled(root, "fapolicyd.service"), processes?.AnyNamed("fapolicyd"));
    }

    private ImaAppraisalState? Ima(List<PathError> errors)
    {
        var cmdline = (Read("/proc/cmdline", InputKind.SystemFile, errors) ?? "").Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries);
        var mode = cmdline.LastOrDefault(a => a.StartsWith("ima_appraise=", StringComparison.Ordinal))?["ima_appraise=".Length..];
        var builtin = cmdline.Where(a => a.StartsWith("ima_policy=", StringComparison.Ordinal))
            .SelectMany(a => a["ima_policy=".Length..].Split('|', StringSplitOptions.RemoveEmptyEntries)).Distinct(StringComparer.Ordinal).ToList();
        foreach (var path in ImaPolicies)
        {
            var policy = Read(path, InputKind.ConfigFile, errors);
            if (policy is null) continue;
            var rules = policy.Split('\n').Select(l => l.Trim()).Where(l => l.StartsWith("appraise ", StringComparison.Ordinal)).Take(MaxAppraiseRules).ToList();
            return new ImaAppraisalState(mode, builtin, path, rules);
        }
        return mode is null && builtin.Count == 0 ? null : new ImaAppraisalState(mode, builtin, null, []);
    }

    private string? Read(string hostPath, InputKind kind, List<PathError> errors)
    {
        try
        {
            return root.ReadText(hostPath, kind);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            errors.Add(new PathError(hostPath, e.Message));
            return null;
        }
    }
}
