using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
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
        var previous = new Option<string?>("--previous")
        {
            Description = "The export made before this one: checks offline that this bundle's signed manifest chains to its manifest",
            HelpName = "PRIOR_BUNDLE",
        };
        var format = new Option<string>("--format") { Description = "The working paper's form", DefaultValueFactory = _ => "text" };
        format.AcceptOnlyFromAmong("text", "json", "html");
        var command = new Command("verify",
            "Verify a bundle offline and print a working paper: signer and trust anchor with their SHA-256 fingerprints, every check with its " +
            "outcome (signature and certificate chain, every file hash, every TPM quote and event log, the audit log's hash chain, the " +
            "re-evaluation of every verdict with the bundled catalogue, and with --previous the export chain), every host and report, and " +
            "every problem by host and file. Exit 0: everything holds; 1: something does not; 2: the bundle or certificate cannot be read.")
        {
            bundle, trust, previous, format,
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
                ExportChainCheck? chain = null;
                var reading = path;
                try
                {
                    using (var stream = BoundedFile.OpenStream(path)) result = EvidenceBundleVerifier.Verify(stream, anchor);
                    if (parse.GetValue(previous) is { } prior)
                    {
                        reading = prior;
                        using var priorStream = BoundedFile.OpenStream(prior);
                        chain = ExportChain.Check(result.Manifest, prior, priorStream, anchor);
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    Console.Error.WriteLine(e.Message.Contains(reading, StringComparison.Ordinal) ? e.Message : $"{reading}: {e.Message}");
                    return ExitCodes.BadInput;
                }
                var paper = WorkingPaper.Of(result, $"weightguard {CatalogSources.Version}", DateTimeOffset.UtcNow, path, anchor, chain);
                using var output = new StringWriter();
                switch (parse.GetValue(format))
                {
                    case "json": output.Write(JsonSerializer.Serialize(paper, WorkingPaperJsonContext.Default.WorkingPaper)); output.WriteLine(); break;
                    case "html": WorkingPaperHtml.Write(paper, output); break;
                    default: WorkingPaperText.Write(paper, output); break;
                }
                // Hostnames, subjects and messages come from the bundle: never let them drive the terminal (JSON and HTML escape them).
                Console.Out.Write(new string(output.ToString().Select(ch => char.IsControl(ch) && ch != '\n' ? '?' : ch).ToArray()));
                return paper.Verified ? ExitCodes.Ok : ExitCodes.Failed;
            }
        });
        return command;
    }

    /// <summary>A certificate from a PEM or DER file; null after printing why it cannot be read.</summary>
    private static X509Certificate2? LoadCertificate(string path)
    {
        try { return CertificateFile.Load(path); }
        catch (InvalidDataException e)
        {
            Console.Error.WriteLine("--trust " + e.Message);
            return null;
        }
    }
}
