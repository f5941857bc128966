using System.Security.Cryptography.X509Certificates;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Weights.Manifests;

/// <summary>
/// Compares a hashed weight inventory with the signed manifests the host trusts. Only manifests whose signature
/// verifies and whose signer is trusted contribute; the others are listed with the reason, so the control reports an
/// error instead of passing on digests nobody vouched for.
/// </summary>
public static class WeightIntegrityCollector
{
    /// <summary>The comparison of <paramref name="inventory"/> (with digests) with the manifests of <paramref name="options"/>, as of <paramref name="now"/>.</summary>
    public static WeightIntegrityEvidence Collect(WeightInventory inventory, WeightIntegrityOptions options, DateTimeOffset now)
    {
        var checks = new List<ManifestCheck>();
        var expected = new Dictionary<string, List<ManifestEntry>>(StringComparer.Ordinal);
        var (signers, signerProblem) = LoadSigners(options.SignerCertificates);
        try
        {
            foreach (var file in options.ManifestFiles)
            {
                ManifestFileReading reading;
                try { reading = ManifestFileReading.Read(file, signers, now); }
                catch (InvalidDataException e)
                {
                    checks.Add(new ManifestCheck(file, null, null, null, null, 0, e.Message));
                    continue;
                }
                var opened = reading.Opened;
                checks.Add(new ManifestCheck(file, reading.Sha256, opened.Signer, opened.SignerSha256, opened.Manifest?.CreatedAt,
                    opened.Manifest?.Directories.Sum(d => d.Files.Count) ?? 0, signerProblem ?? opened.Problem));
                if (!opened.Trusted || signerProblem is not null) continue;
                foreach (var (path, entry) in opened.Manifest!.Entries())
                {
                    if (!expected.TryGetValue(path, out var entries)) expected[path] = entries = [];
                    entries.Add(entry);
                }
            }
        }
        finally
        {
            foreach (var signer in signers) signer.Dispose();
        }

        var matched = 0;
        List<ChangedWeightFile> changed = [];
        List<string> unlisted = [], unhashed = [];
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in inventory.Files)
        {
            present.Add(file.Path);
            if (file.Sha256 is not { } digest) unhashed.Add(file.Path);
            else if (!expected.TryGetValue(file.Path, out var entries)) unlisted.Add(file.Path);
            // two trusted manifests may list different versions of a file: either is approved
            else if (entries.Any(e => e.Size == file.Size && e.Sha256 == digest)) matched++;
            else changed.Add(new ChangedWeightFile(file.Path, entries[0].Sha256, digest, entries[0].Size, file.Size));
        }
        return new WeightIntegrityEvidence
        {
            Manifests = checks, Matched = matched, Changed = changed, Unlisted = unlisted, Unhashed = unhashed,
            Missing = expected.Keys.Where(p => !present.Contains(p)).Order(StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>The trusted signer certificates; a file that cannot be read makes every manifest untrusted (one bad anchor voids the set, never widens it).</summary>
    private static (List<X509Certificate2> Signers, string? Problem) LoadSigners(IReadOnlyList<string> files)
    {
        var signers = new List<X509Certificate2>();
        foreach (var file in files)
        {
            try { signers.Add(CertificateFile.Load(file)); }
            catch (InvalidDataException e) { return (signers, $"trusted manifest signer {e.Message}"); }
        }
        return (signers, null);
    }
}
