using System.CommandLine;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Core.Inputs;
using WeightGuard.Evidence;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard evidence verify</c>: check an auditors' evidence bundle offline.</summary>
internal static class EvidenceCommand
{
    public static Command Create() => new("evidence", "Work with auditors' evidence bundles exported by the aggregator") { Verify() };

    private static Command Verify()
    {
        var bundle = new Argument<string>("BUNDLE") { Description = "The bundle (.zip) exported by weightguard-aggregator" };
        var trust = new Option<string?>("--trust")
        {
            Description = "The aggregator's CA or signing certificate (PEM or DER) that the bundle's signer must chain to",
            HelpName = "CERT",
        };
        var command = new Command("verify",
            "Verify a bundle offline: signature and certificate chain, every file hash, every TPM quote and event log, the audit log's hash chain, and the " +
            "re-evaluation of every verdict with the bundled catalogue. Exit 0: everything holds; 1: something does not " +
            "(the first is named); 2: the bundle or certificate cannot be read.")
        {
            bundle, trust,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(bundle)!;
            var trustPath = parse.GetValue(trust);
            X509Certificate2? anchor = null;
            if (trustPath is not null && (anchor = LoadCertificate(trustPath)) is null) return ExitCodes.BadInput;
            using (anchor)
            {
                BundleVerification result;
                try
                {
                    using var stream = BoundedFile.OpenStream(path);
                    result = EvidenceBundleVerifier.Verify(stream, anchor);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine($"{path}: {e.Message}");
                    return ExitCodes.BadInput;
                }
                using var output = new StringWriter();
                Print(path, result, anchor, output);
                // Hostnames, subjects and messages come from the bundle: never let them drive the terminal.
                Console.Out.Write(new string(output.ToString().Select(ch => char.IsControl(ch) && ch != '\n' ? '?' : ch).ToArray()));
                return result.Verified ? ExitCodes.Ok : ExitCodes.Failed;
            }
        });
        return command;
    }

    private static void Print(string path, BundleVerification result, X509Certificate2? anchor, TextWriter o)
    {
        o.WriteLine($"Bundle     {path}");
        if (result.Manifest is { } m)
        {
            o.WriteLine($"Manifest   {m.Schema}, created {m.CreatedAt.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture)} by {m.Producer}");
            o.WriteLine(m.PreviousManifestSha256 is { } previous
                ? $"Chain      follows the export whose manifest.json has SHA-256 {previous}"
                : "Chain      first export (no previous manifest)");
        }
        if (result.Signature is { Subject: not null } s)
        {
            o.WriteLine($"Signer     {s.Subject}");
            o.WriteLine($"           SHA-256 fingerprint {s.Sha256Fingerprint}");
            o.WriteLine(anchor is null ? "           not anchored: no --trust given"
                : s.Anchored ? $"           anchored in {anchor.Subject}" : $"           NOT anchored in {anchor.Subject}");
        }
        var c = result.Counts;
        o.WriteLine($"Files      {c.FilesMatched} of {result.Manifest?.Files.Count ?? 0} match the manifest's SHA-256");
        o.WriteLine($"Hosts      {c.Hosts} ({c.HostsWithTpm} enrolled with a TPM)");
        o.WriteLine($"Reports    {c.Reports}: {c.QuotesVerified} quotes verified, {c.EventLogsReplayed} event logs replayed, " +
                    $"{c.ReportsWithoutTpm} from hosts without a TPM; {c.VerdictsReproduced} verdict sets re-derived");
        o.WriteLine($"Audit log  {c.AuditRows} row(s) whose hash chain holds");
        if (result.Problems.Count > 0)
        {
            o.WriteLine($"FAILED     {result.Problems[0]}");
            o.WriteLine($"{result.Problems.Count} problem(s):");
            foreach (var problem in result.Problems) o.WriteLine($"  {problem}");
        }
        else if (!result.Verified) o.WriteLine("FAILED     signer not anchored: pass --trust with the aggregator's CA or signing certificate");
        else o.WriteLine("VERIFIED   every check holds");
    }

    /// <summary>A certificate from a PEM or DER file; null after printing why it cannot be read.</summary>
    private static X509Certificate2? LoadCertificate(string path)
    {
        try
        {
            var bytes = BoundedFile.ReadBytes(path, InputKind.Certificate);
            var text = System.Text.Encoding.ASCII.GetString(bytes);
            return text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(bytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or CryptographicException or ArgumentException)
        {
            Console.Error.WriteLine($"--trust {path}: not a readable PEM or DER certificate: {e.Message}");
            return null;
        }
    }
}
