using WeightGuard.Testing;

namespace WeightGuard.Packaging.Tests;

/// <summary>
/// What the install scripts (install-in-overlay.sh for the .deb, install-rpm-in-root.sh for the RPM) report as
/// <c>key=value</c> lines, and the checks both packages must pass alike: one account, one set of modes.
/// </summary>
public static class InstalledPackage
{
    /// <summary>Runs <paramref name="script"/> (beside the tests) in a private mount namespace with <paramref name="args"/>; its facts.</summary>
    public static Dictionary<string, string> Facts(string script, params string[] args)
    {
        var run = ExternalTool.Run("unshare", ["--mount", "--propagation", "private", "sh", Path.Combine(AppContext.BaseDirectory, script), .. args],
            timeout: TimeSpan.FromMinutes(5));
        Assert.That(run.ExitCode, Is.Zero, run.Stdout + run.Stderr);
        return run.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('=', 2)).ToDictionary(kv => kv[0], kv => kv[1]);
    }

    /// <summary>The service account: no shell, home the state directory, in the tss group (where there is one) and no other.</summary>
    public static void AssertServiceAccount(IReadOnlyDictionary<string, string> facts)
    {
        Assert.That(facts["user"], Is.EqualTo("weightguard:/var/lib/weightguard:/usr/sbin/nologin"));
        var expected = ExternalTool.Run("getent", ["group", "tss"]).ExitCode == 0 ? new[] { "weightguard", "tss" } : ["weightguard"];
        Assert.That(facts["groups"].Split(' '), Is.EquivalentTo(expected));
    }

    /// <summary>The configuration root's to edit and the service's to read; state, identity and logs the service's alone.</summary>
    public static void AssertModes(IReadOnlyDictionary<string, string> facts)
    {
        Assert.That(facts["config"], Is.EqualTo("640 root:weightguard"));
        Assert.That(facts["configdir"], Is.EqualTo("750 root:weightguard"));
        Assert.That(facts["state"], Is.EqualTo("750 weightguard:weightguard"));
        Assert.That(facts["identity"], Is.EqualTo("700 weightguard:weightguard"));
        Assert.That(facts["logs"], Is.EqualTo("750 weightguard:weightguard"));
    }
}
