using System.Collections.Frozen;
using WeightGuard.Core.Checks.Kinds;

namespace WeightGuard.Core.Checks;

/// <summary>Every check kind WeightGuard implements. Controls name these in <c>check.kind</c>.</summary>
public static class CheckRegistry
{
    /// <summary>All kinds by name.</summary>
    public static FrozenDictionary<string, ICheck> ByKind { get; } = new ICheck[]
    {
        new ManualCheck(),
        new EvidenceFactCheck(),
        new WeightsInventoriedCheck(),
        new WeightsNoWorldAccessCheck(),
        new WeightReadersAllowedCheck(),
        new WeightsOwnedByServiceAccountCheck(),
        new WeightsNoHumanReadersCheck(),
        new KeysNotWithWeightsCheck(),
        new KeyFilesPrivateCheck(),
        new SecureBootEnabledCheck(),
        new TpmAttestationReadyCheck(),
        new MeasuredBootConsistentCheck(),
        new WeightsOnEncryptedStorageCheck(),
        new DiskEncryptionStrongCheck(),
        new SwapEncryptedCheck(),
        new TpmBoundUnlockCheck(),
        new CrypttabKeyFilesEncryptedCheck(),
        new GpuConfidentialComputingCheck(),
        new GpuAccessRestrictedCheck(),
        new EveryGpuCheck(),
        new SshHardenedCheck(),
        new RootAccessNarrowCheck(),
        new WeightReadsAuditedCheck(),
        new AuditImmutableAndForwardedCheck(),
        new EgressDefaultDenyCheck(),
        new PatchesCurrentCheck(),
        new RemovableMediaBlockedCheck(),
        new NoWeightCopiesOutsideCheck(),
        new AdminMfaCheck(),
        new WeightsMatchSignedManifestCheck(),
        new WeightsEncryptedInTransitCheck(),
        new NoHumanUnlockSecretCheck(),
        new ApplicationAllowListingCheck(),
        new FirmwareSecurityCheck(),
        new EndpointDetectionRunningCheck(),
    }.ToFrozenDictionary(c => c.Kind, StringComparer.Ordinal);
}
