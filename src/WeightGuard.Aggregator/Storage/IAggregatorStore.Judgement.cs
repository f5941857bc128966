namespace WeightGuard.Aggregator.Storage;

/// <summary>The fleet judgement: policy, manual attestations, refused submissions and each host's current judgement.</summary>
public partial interface IAggregatorStore
{
    /// <summary>Makes <paramref name="judgement"/> the host's current one, unless a newer report arrived meanwhile (false then).</summary>
    Task<bool> SetJudgementAsync(string agentId, CurrentJudgement judgement, CancellationToken cancel = default);

    /// <summary>Hosts with a latest report whose judgement must be made again by <paramref name="dueBy"/>; every such host when null.</summary>
    Task<IReadOnlyList<(string AgentId, Guid ReportId)>> HostsToJudgeAsync(DateTimeOffset? dueBy, CancellationToken cancel = default);

    /// <summary>Records a submission refused because its attestation did not hold.</summary>
    Task AddRefusalAsync(string agentId, Refusal refusal, CancellationToken cancel = default);

    /// <summary>Names (lower-cased) that more than one unrevoked host enrolled with.</summary>
    Task<IReadOnlySet<string>> DuplicateNamesAsync(CancellationToken cancel = default);

    /// <summary>Every current failed or erred verdict in the fleet.</summary>
    Task<IReadOnlyList<FailingVerdict>> FailingVerdictsAsync(CancellationToken cancel = default);

    /// <summary>The fleet policy an admin applied, or null before the first.</summary>
    Task<StoredPolicy?> GetPolicyAsync(CancellationToken cancel = default);

    /// <summary>Replaces the fleet policy.</summary>
    Task SetPolicyAsync(StoredPolicy policy, CancellationToken cancel = default);

    /// <summary>Every manual attestation recorded, oldest first, withdrawn ones included.</summary>
    Task<IReadOnlyList<StoredAttestation>> ListAttestationsAsync(CancellationToken cancel = default);

    /// <summary>Records a manual attestation.</summary>
    Task AddAttestationAsync(StoredAttestation attestation, CancellationToken cancel = default);

    /// <summary>Withdraws an attestation from <paramref name="at"/> on; false when there is no standing one with that id.</summary>
    Task<bool> WithdrawAttestationAsync(Guid attestationId, DateTimeOffset at, CancellationToken cancel = default);
}
