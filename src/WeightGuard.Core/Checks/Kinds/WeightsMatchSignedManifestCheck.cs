using WeightGuard.Core.Catalog;

namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Every weight file is exactly what a trusted signer listed: each file's size and SHA-256 match a signed manifest whose
/// signature verifies and whose signer the host trusts, every file a manifest lists is there, and no weight file is
/// outside every manifest. A manifest that cannot be read or whose signature or signer does not verify is an error,
/// never a pass: a comparison with digests nobody vouched for proves nothing.
/// </summary>
public sealed class WeightsMatchSignedManifestCheck : ICheck
{
    private const int Named = 5;

    /// <inheritdoc />
    public string Kind => "weights-match-signed-manifest";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Weights, "weights", out var weights) is { } missing) return missing;
        if (context.Evidence.WeightIntegrity is not { } integrity)
            return weights.Files.Count == 0
                ? CheckOutcome.Pass("no weight files to compare with a signed manifest", EvidencePointer.To("weights", "files"))
                : CheckOutcome.Fail($"{weights.Files.Count} weight file(s) but no signed weight manifest to compare them with " +
                                    "(weightguard manifest create; scan --manifest, the agent's hashing.manifests)", EvidencePointer.To("weights", "files"));
        var untrusted = integrity.Manifests.Select((m, i) => (m, i)).Where(x => x.m.Problem is not null).ToList();
        if (untrusted.Count > 0)
            return CheckOutcome.Error($"manifest {untrusted[0].m.File} is not trusted: {untrusted[0].m.Problem}",
                untrusted.Select(x => EvidencePointer.To("weightIntegrity", "manifests", x.i)));
        if (integrity.Manifests.Count == 0)
            return CheckOutcome.Fail("no signed weight manifest is configured", EvidencePointer.To("weightIntegrity", "manifests"));
        var problems = new List<string>();
        var pointers = new List<string>();
        void Add(IReadOnlyList<string> paths, string what, string field)
        {
            if (paths.Count == 0) return;
            problems.Add($"{paths.Count} {what}: {Names(paths)}");
            pointers.Add(EvidencePointer.To("weightIntegrity", field));
        }
        Add(integrity.Changed.Select(c => c.Path).ToList(), "changed since signed", "changed");
        Add(integrity.Missing, "listed but missing", "missing");
        Add(integrity.Unlisted, "in no signed manifest", "unlisted");
        if (problems.Count > 0) return CheckOutcome.Fail("weight files differ from the signed manifests: " + string.Join("; ", problems), pointers);
        if (integrity.Unhashed.Count > 0)
            return CheckOutcome.Error($"{integrity.Unhashed.Count} weight file(s) could not be hashed to compare: {Names(integrity.Unhashed)}",
                EvidencePointer.To("weightIntegrity", "unhashed"));
        return CheckOutcome.Pass($"all {integrity.Matched} weight file(s) match {integrity.Manifests.Count} signed manifest(s) from trusted signers",
            EvidencePointer.To("weightIntegrity", "manifests"));
    }

    private static string Names(IReadOnlyList<string> paths) => string.Join(", ", paths.Take(Named)) + (paths.Count > Named ? ", …" : "");
}
