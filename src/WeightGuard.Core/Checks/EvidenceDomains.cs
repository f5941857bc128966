namespace WeightGuard.Core.Checks;

/// <summary>The evidence domains as findings name them to people (<c>access</c> → "the permissions of the weight files").</summary>
public static class EvidenceDomains
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        ["weights"] = "the list of weight files",
        ["access"] = "who can read the weight files",
        ["keys"] = "the key files near the weights",
        ["storage"] = "the storage and encryption under the weights",
        ["boot"] = "the firmware's Secure Boot state",
        ["platform"] = "the kernel and platform security settings",
        ["tpm"] = "the TPM and its boot event log",
        ["gpu"] = "the GPUs' state",
        ["ssh"] = "the SSH server's configuration",
        ["privilege"] = "who can act as root",
        ["logging"] = "the audit and log-forwarding settings",
        ["egress"] = "the firewall configuration",
        ["patches"] = "the pending updates",
        ["ports"] = "the USB, Thunderbolt and FireWire settings",
        ["strayWeights"] = "the search for weight copies outside the approved places",
        ["pam"] = "the PAM sign-in configuration",
    };

    /// <summary>What the domain holds, in words; the domain's own name for one this list does not know.</summary>
    public static string Describe(string domain) => Names.TryGetValue(domain, out var name) ? name : $"the '{domain}' evidence";

    /// <summary>Why a control could not be checked when its evidence is missing, as the reason of an <c>error</c> outcome.</summary>
    /// <param name="domain">The evidence domain that is missing.</param>
    /// <param name="reason">Why its collector failed, or null when no collector ran for it on this host.</param>
    public static string NotCollected(string domain, string? reason) => reason is null
        ? $"WeightGuard does not collect {Describe(domain)} on this host"
        : $"WeightGuard could not read {Describe(domain)} ({reason})";
}
