using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Spectre.Console;
using WeightGuard.Agent.Enrollment;
using WeightGuard.Agent.Scanning;
using WeightGuard.Agent.Upload;
using WeightGuard.Agent;
using WeightGuard.Collectors.Weights.Hashing;
using WeightGuard.Collectors.Weights.Manifests;
using WeightGuard.Collectors;
using WeightGuard.Core.Inputs;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard scan</c>: collect evidence on this host, judge it against a profile, and render the report.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var profile = new Option<string>("--profile") { Description = "Profile to judge against (see 'weightguard profiles list')", DefaultValueFactory = _ => "rand-sl3", HelpName = "ID" };
        var weights = new Option<string[]>("--weights") { Description = "A path holding model weights (repeat for several); default: /models, /srv/models, /opt/models, /var/lib/models and every ~/.cache/huggingface", HelpName = "PATH" };
        var format = new Option<string>("--format") { Description = "Output format", DefaultValueFactory = _ => "table" };
        format.AcceptOnlyFromAmong(["table", .. ReportWriters.ByFormat.Keys.Order()]);
        var output = new Option<string?>("--output", "-o") { Description = "Write the report to FILE instead of standard output", HelpName = "FILE" };
        var waivers = new Option<string?>("--waivers") { Description = "Apply the waivers in FILE (YAML: control, hosts, justification, approver, expires)", HelpName = "FILE" };
        var attestations = new Option<string?>("--attestations") { Description = "Count the manual controls that people attested in FILE (YAML: control, hosts or labels, statement, evidence, attestor, recorded, expires) as attested", HelpName = "FILE" };
        var catalog = CommonOptions.Catalog();
        var root = CommonOptions.Root();
        var upload = new Option<bool>("--upload") { Description = "Also send the report to the aggregator this host enrolled with (see 'weightguard enroll')" };
        var state = AgentOptions.State();
        var tpm = new Option<string?>("--tpm") { Description = "Which TPM: auto, none, device:PATH or swtpm:HOST:PORT (default: auto for this host, none with --root)", HelpName = "SELECTOR" };
        var hash = new Option<bool>("--hash") { Description = "Record the SHA-256 of every weight file (reads every byte; pauses while a GPU is busy)" };
        var digestCache = new Option<string?>("--digest-cache") { Description = "With --hash: keep digests in FILE and skip reading files unchanged since (same device, inode, size, mtime, ctime)", HelpName = "FILE" };
        var gpuBusy = new Option<int>("--gpu-busy-percent") { Description = "With --hash: pause hashing while any GPU's utilisation is above N percent (100: never pause)", DefaultValueFactory = _ => 80, HelpName = "N" };
        var manifests = new Option<string[]>("--manifest") { Description = "Compare every weight file with the signed weight manifest FILE (repeat for several; hashes every weight file)", HelpName = "FILE" };
        var manifestTrust = new Option<string[]>("--manifest-trust") { Description = "With --manifest: a trusted manifest signer's certificate, or a CA it chains to (PEM or DER; repeat for several)", HelpName = "CERT" };
        gpuBusy.Validators.Add(r => { if (r.GetValueOrDefault<int>() is < 0 or > 100) r.AddError("--gpu-busy-percent must be between 0 and 100"); });
        var command = new Command("scan", "Scan this host (or the tree at --root) against a profile and report every control. Exit 0: all required controls pass; 1: something failed or could not be checked; 2: bad input.")
        {
            profile, weights, root, format, output, waivers, attestations, catalog, tpm, hash, digestCache, gpuBusy, manifests, manifestTrust, upload, state,
        };
        command.SetAction(parse =>
        {
            var stderr = Console.Error;
            var loaded = CatalogSources.Load(parse.GetValue(catalog), parse.GetValue(waivers), stderr, parse.GetValue(attestations));
            if (loaded is null) return ExitCodes.BadInput;
            var profileId = parse.GetValue(profile)!;
            if (!loaded.Profiles.ContainsKey(profileId))
            {
                stderr.WriteLine($"unknown profile '{profileId}' (known: {string.Join(", ", loaded.Profiles.Keys)})");
                return ExitCodes.BadInput;
            }
            var rootDir = parse.GetValue(root);
            if (rootDir is not null && !Directory.Exists(rootDir))
            {
                stderr.WriteLine($"--root {rootDir}: no such directory");
                return ExitCodes.BadInput;
            }
            var hostRoot = rootDir is null ? HostRoot.Live : new HostRoot(rootDir);
            var given = parse.GetValue(weights) ?? [];
            foreach (var w in given.Where(w => !w.StartsWith('/')))
            {
                stderr.WriteLine($"--weights {w}: must be an absolute path on the scanned host");
                return ExitCodes.BadInput;
            }
            var weightPaths = given.Length > 0 ? given : EvidenceCollector.DefaultWeightPaths(hostRoot);
            TpmSelector tpmSelector;
            try { tpmSelector = TpmSelector.Parse(parse.GetValue(tpm) ?? (rootDir is null ? "auto" : "none")); }
            catch (FormatException e)
            {
                stderr.WriteLine($"--tpm: {e.Message}");
                return ExitCodes.BadInput;
            }

            if (parse.GetValue(digestCache) is not null && !parse.GetValue(hash))
            {
                stderr.WriteLine("--digest-cache needs --hash");
                return ExitCodes.BadInput;
            }
            var hashing = new WeightHashingOptions(parse.GetValue(hash), parse.GetValue(digestCache), parse.GetValue(gpuBusy));
            if (!TryIntegrity(parse.GetValue(manifests) ?? [], parse.GetValue(manifestTrust) ?? [], stderr, out var integrity)) return ExitCodes.BadInput;
            var report = WithProgress(progress => HostScanner.Scan(
                new ScanRequest(loaded, profileId, hostRoot, weightPaths, tpmSelector, CatalogSources.Version, hashing, integrity), progress,
                warn: w => stderr.WriteLine("warning: " + w)));
            var exit = report.Summary.Fail + report.Summary.Error > 0 ? ExitCodes.Failed : ExitCodes.Ok;
            var path = parse.GetValue(output);
            var fmt = parse.GetValue(format)!;
            try
            {
                if (fmt == "table" && path is null) TableReport.Write(report, AnsiConsole.Console);
                else
                {
                    using var stream = path is null ? Console.OpenStandardOutput() : File.Create(path);
                    if (fmt == "table") TableReport.Write(report, AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(new StreamWriter(stream) { AutoFlush = true }), Ansi = AnsiSupport.No }));
                    else ReportWriters.ByFormat[fmt].Write(report, stream);
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                stderr.WriteLine($"{path}: {e.Message}");
                return ExitCodes.BadInput;
            }
            if (path is not null) stderr.WriteLine($"{report.Summary.Rand}; against {profileId}: {report.Summary.Pass} pass, {report.Summary.Fail} fail, {report.Summary.Error} error; report written to {path}");
            return parse.GetValue(upload) ? Upload(report, hostRoot, parse.GetValue(state)!, stderr) ?? exit : exit;
        });
        return command;
    }

    /// <summary>
    /// The manifests to compare with (null options when none), after checking that every file given can be read and is a
    /// signed manifest: a file that cannot is a usage error here (exit 2), while a signature or signer that does not
    /// verify is judged in the report, as the agent judges it.
    /// </summary>
    private static bool TryIntegrity(string[] manifests, string[] trust, TextWriter stderr, out WeightIntegrityOptions? options)
    {
        options = null;
        if (manifests.Length == 0 && trust.Length == 0) return true;
        if (manifests.Length == 0 || trust.Length == 0)
        {
            stderr.WriteLine(manifests.Length == 0 ? "--manifest-trust needs --manifest" : "--manifest needs --manifest-trust: the certificates allowed to sign it");
            return false;
        }
        var anchors = new List<X509Certificate2>();
        try
        {
            foreach (var t in trust) anchors.Add(CertificateFile.Load(t));
            foreach (var m in manifests) ManifestFileReading.Read(m, anchors, DateTimeOffset.UtcNow);
            options = new WeightIntegrityOptions(manifests, trust);
            return true;
        }
        catch (InvalidDataException e)
        {
            stderr.WriteLine(new string(e.Message.ReplaceLineEndings(" ").Select(c => char.IsControl(c) ? '?' : c).ToArray()));
            return false;
        }
        finally
        {
            foreach (var a in anchors) a.Dispose();
        }
    }

    /// <summary>Sends the report with the saved identity; null when delivered, else the exit code after printing why.</summary>
    private static int? Upload(Report report, HostRoot root, string stateDirectory, TextWriter stderr)
    {
        try
        {
            using var identity = AgentIdentity.Load(stateDirectory);
            using var uploader = new ReportUploader(identity, root);
            var result = uploader.Upload(HostScanner.ToJson(report), CancellationToken.None).GetAwaiter().GetResult();
            stderr.WriteLine($"report {result.ReportId} {(result.Duplicate ? "was already stored by" : "delivered to")} {uploader.Server} (attestation {result.Attestation})");
            return null;
        }
        catch (AgentException e)
        {
            stderr.WriteLine("upload failed: " + e.Message.ReplaceLineEndings(" "));
            return ExitCodes.BadInput;
        }
    }

    /// <summary>Shows what is being collected on a terminal (on standard error, so redirected output stays clean).</summary>
    private static T WithProgress<T>(Func<IProgress<string>?, T> work)
    {
        if (Console.IsErrorRedirected) return work(null);
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        return console.Status().Start("Collecting evidence", ctx => work(new Progress<string>(line => ctx.Status($"Collecting evidence: {Markup.Escape(line)}"))));
    }
}
