using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Judgement;

/// <summary>A policy an admin offered that does not load; the message lists every problem as <c>policy:line: message</c>.</summary>
/// <param name="message">The problems, one per line.</param>
public sealed class PolicyRefusedException(string message) : Exception(message);

/// <summary>
/// Applies a fleet policy: checks it against the catalogue, stores it with who applied it, and judges every host's latest
/// report again under it. The API, the dashboard and <c>weightguard-aggregator policy apply</c> all apply through here.
/// </summary>
public sealed class PolicyApplier(IAggregatorStore store, Catalog catalog, FleetJudge judge, AuditLog audit, TimeProvider time)
{
    /// <summary>
    /// Applies <paramref name="text"/> (YAML) on behalf of <paramref name="by"/> (the name kept with the policy), recording
    /// <paramref name="actor"/> asking from <paramref name="source"/> in the audit log.
    /// </summary>
    /// <exception cref="PolicyRefusedException">It does not load; nothing changed.</exception>
    public async Task<PolicyView> ApplyAsync(string text, string by, string actor, string source, CancellationToken cancel)
    {
        var (policy, errors) = CatalogLoader.LoadPolicy(new CatalogSource("policy", text), catalog);
        if (policy is null) throw new PolicyRefusedException(string.Join("\n", errors));
        var stored = new StoredPolicy(text, time.GetUtcNow(), by);
        await store.SetPolicyAsync(stored, cancel);
        await audit.RecordAsync(actor, AuditActions.PolicyChanged, "fleet policy",
            $"{policy.Assignments.Count} assignment(s); stale after {policy.StaleAfter}; SHA-256 {Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)))}",
            source, cancel);
        await judge.RejudgeAsync(null, cancel);
        return PolicyEndpoints.View(policy, stored);
    }
}
