using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Testing;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Transport;

namespace WeightGuard.Evidence.Tests;

/// <summary>
/// A small fleet as the aggregator would export it: two hosts with a TPM (an RSA and an ECC attestation key on a real
/// swtpm whose PCRs were extended with a real firmware event log) and one without, each with a report quoted over the
/// evidence binding, and the aggregator's verdicts from the repository's catalogue plus a waiver.
/// </summary>
internal static class Fleet
{
    public const string Gpu1 = "agent-gpu-01";
    public const string Gpu2 = "agent-gpu-02";
    public const string Cpu3 = "agent-cpu-03";
    public const string Profile = "rand-sl3";

    public static readonly Guid Gpu1Report = new("10000000-0000-4000-8000-000000000001");
    public static readonly Guid Gpu2Report = new("20000000-0000-4000-8000-000000000002");
    public static readonly Guid Cpu3Report = new("30000000-0000-4000-8000-000000000003");

    /// <summary>The report finished before the waiver on WG-PLAT-001 expired; verification happens after.</summary>
    public static readonly DateTimeOffset FinishedAt = new(2026, 1, 15, 10, 0, 0, TimeSpan.Zero);

    public const string Waivers = """
        waivers:
          - control: WG-PLAT-001
            hosts: "gpu-*"
            justification: IOMMU is enabled with the next firmware roll-out
            approver: ciso@example.com
            expires: 2026-01-31
        """;

    private static readonly Lazy<BundleContent> Built = new(Build);

    /// <summary>The fleet (built once per test run; needs swtpm and tpm2-tools).</summary>
    public static BundleContent Content
    {
        get
        {
            _ = Swtpm.Shared;
            ExternalTool.Require("tpm2_pcrextend");
            return Built.Value;
        }
    }

    public static byte[] EventLog => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "event-sd-boot-fedora37.bin"));

    public static string ReportFolder(string agent, Guid report) => BundleLayout.ReportFolder(agent, report.ToString());

    public static IReadOnlyList<CatalogFile> CatalogFiles() =>
    [
        .. Yaml("controls"), .. Yaml("profiles"), new CatalogFile("waivers.yaml", Encoding.UTF8.GetBytes(Waivers)),
    ];

    public static Catalog LoadCatalog(IReadOnlyList<CatalogFile> files)
    {
        List<CatalogSource> Of(string prefix) => files.Where(f => f.Path.StartsWith(prefix, StringComparison.Ordinal))
            .Select(f => new CatalogSource(f.Path, Encoding.UTF8.GetString(f.Content))).ToList();
        var result = CatalogLoader.Load(Of("controls/"), Of("profiles/"), Of("waivers"));
        return result.Catalog ?? throw new InvalidOperationException(string.Join("\n", result.Errors));
    }

    /// <summary>Writes the fleet's bundle signed by <paramref name="pki"/> and returns its bytes.</summary>
    public static byte[] Bundle(TestPki? pki = null, BundleContent? content = null)
    {
        using var output = new MemoryStream();
        EvidenceBundleWriter.Write(content ?? Content, (pki ?? TestPki.Aggregator).Key, output);
        return output.ToArray();
    }

    public static Report NewReport(Guid id, string hostname, string? machineId, Core.Evidence.Evidence? evidence = null)
    {
        var observed = evidence ?? new Core.Evidence.Evidence
        {
            Host = new HostIdentity { Hostname = hostname, MachineId = machineId, Os = "Debian GNU/Linux 12 (bookworm)", Kernel = "6.1.0-28-amd64", Arch = "x64", Platform = "linux" },
            Weights = new WeightInventory
            {
                Roots = [new WeightRoot("/models", "scanned")],
                Files = [new WeightFile { Path = "/models/llama/model.safetensors", Format = "safetensors", Size = 4_000_000_000 }],
                Mismatched = [], Errors = [], EntriesVisited = 12, Truncated = false,
            },
            Platform = new PlatformEvidence { Lockdown = "none", IommuActive = false, PtraceScope = 1 },
            Failures = [new CollectorFailure("gpu", "nvidia-smi is not installed")],
        };
        return new Report
        {
            ReportId = id, Host = observed.Host, Agent = new AgentInfo("0.1.0"), StartedAt = FinishedAt.AddSeconds(-2), FinishedAt = FinishedAt,
            Profile = new ProfileInfo(Profile, "RAND SL3", "sha256:00"), Evidence = observed, Results = [],
            Summary = new Summary { Pass = 0, Fail = 0, Error = 0, NotApplicable = 0, Waived = 0, Manual = 0, Attested = 0, Rand = new RandStanding("SL0", "SL0", 0) },
        };
    }

    /// <summary>A report as the agent submits it: its verdicts from the catalogue, serialised once (the bytes the quote covers).</summary>
    public static byte[] Submitted(Report report, Catalog catalog)
    {
        var evaluation = Evaluator.Evaluate(catalog, Profile, report.Evidence, report.FinishedAt);
        return JsonSerializer.SerializeToUtf8Bytes(report with { Results = evaluation.Results, Summary = evaluation.Summary }, WeightGuardJsonContext.Default.Report);
    }

    /// <summary>The aggregator's judgement of a report, as export makes it: on the Secure Boot state its quote attests, when it has one.</summary>
    public static VerdictsDocument Verdicts(byte[] reportJson, Catalog catalog, string hostname, QuoteAttestation? attestation = null, byte[]? ak = null)
    {
        var report = JsonSerializer.Deserialize(reportJson, WeightGuardJsonContext.Default.Report)!;
        var judged = AttestedBoot.Judged(report, System.Text.Encoding.UTF8.GetString(reportJson), attestation, ak);
        return VerdictsDocument.Judge(catalog, judged.Evidence, HostSubject.Named(hostname), [Profile], report.FinishedAt);
    }

    private static BundleContent Build()
    {
        ExtendPcrsWithEventLog();
        var catalogFiles = CatalogFiles();
        var catalog = LoadCatalog(catalogFiles);
        BundleHost TpmHost(string agent, string hostname, string machineId, Guid reportId, bool ecc)
        {
            var json = Submitted(NewReport(reportId, hostname, machineId), catalog);
            var (keys, attestation) = Quote(json, ecc);
            return new BundleHost
            {
                AgentId = agent, Hostname = hostname, MachineId = machineId, Tpm = keys,
                Reports = [new BundleReport(json, attestation, Verdicts(json, catalog, hostname, attestation, keys.AkPublic))],
            };
        }
        var cpuJson = Submitted(NewReport(Cpu3Report, "cpu-03", "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3"), catalog);
        return new BundleContent
        {
            CreatedAt = new DateTimeOffset(2026, 11, 20, 9, 30, 0, TimeSpan.Zero),
            Producer = "weightguard-aggregator 0.1.0",
            PreviousManifestSha256 = new string('a', 64),
            Catalog = catalogFiles,
            Hosts =
            [
                TpmHost(Gpu1, "gpu-01", "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", Gpu1Report, ecc: false),
                TpmHost(Gpu2, "gpu-02", "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", Gpu2Report, ecc: true),
                new BundleHost { AgentId = Cpu3, Hostname = "cpu-03", MachineId = "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", Reports = [new BundleReport(cpuJson, null, Verdicts(cpuJson, catalog, "cpu-03"))] },
            ],
        };
    }

    /// <summary>Quotes the report's evidence binding on the swtpm, as the agent does.</summary>
    public static (HostTpmKeys Keys, QuoteAttestation Attestation) Quote(byte[] reportJson, bool ecc)
    {
        var swtpm = Swtpm.Shared;
        using var transport = new SwtpmTcpTransport("127.0.0.1", swtpm.Port);
        var tpm = new TpmClient(transport);
        var selection = PcrSelection.Parse(AgentProtocol.QuotePcrs);
        var nonce = RandomNumberGenerator.GetBytes(EvidenceBinding.NonceLength);
        using var document = JsonDocument.Parse(reportJson);
        var qualifying = EvidenceBinding.QualifyingData(nonce, EvidenceBinding.EvidenceDigest(document.RootElement));

        var ek = tpm.CreatePrimary(TpmRh.Endorsement, ecc ? TpmTemplates.EkEccP256() : TpmTemplates.EkRsa2048());
        tpm.FlushContext(ek.Handle);
        var ekCertificate = tpm.ReadEkCertificates().FirstOrDefault(c => c.KeyType == (ecc ? "ecc-nist-p256" : "rsa2048"))?.Der;
        var ak = tpm.CreatePrimary(TpmRh.Endorsement, ecc ? TpmTemplates.AkEcc() : TpmTemplates.AkRsa());
        QuoteResult quote;
        try { quote = tpm.Quote(ak.Handle, qualifying, selection); }
        finally { tpm.FlushContext(ak.Handle); }
        var values = tpm.PcrRead(selection);
        var pcrs = selection.ToDictionary(b => TpmHash.Describe(b.Hash),
            b => (IReadOnlyDictionary<string, string>)b.Pcrs.ToDictionary(p => p.ToString(System.Globalization.CultureInfo.InvariantCulture), p => Convert.ToHexStringLower(values.Get(b.Hash, p)!)));
        var attestation = new QuoteAttestation(Convert.ToHexStringLower(nonce), Convert.ToBase64String(quote.Attest),
            Convert.ToBase64String(quote.Signature.ToBytes()), pcrs, Convert.ToBase64String(EventLog));
        return (new HostTpmKeys(ak.Public.ToBytes(), ek.Public.ToBytes(), ekCertificate), attestation);
    }

    /// <summary>Extends the swtpm's PCRs 0–7 with the fixture log's SHA-256 digests, as firmware would have.</summary>
    private static void ExtendPcrsWithEventLog()
    {
        var log = TcgEventLogParser.Parse(EventLog);
        foreach (var e in log.Events.Where(e => e.PcrIndex < 8 && e.EventType != TcgEventType.NoAction))
            foreach (var digest in e.Digests.Where(d => d.Algorithm == TpmAlgId.Sha256))
            {
                var run = ExternalTool.Run("tpm2_pcrextend", [$"{e.PcrIndex}:sha256={Convert.ToHexStringLower(digest.Digest)}"], env: Swtpm.Shared.TctiEnvironment);
                if (run.ExitCode != 0) throw new InvalidOperationException($"tpm2_pcrextend failed: {run.Stderr}");
            }
    }

    private static IEnumerable<CatalogFile> Yaml(string folder) =>
        Directory.GetFiles(Path.Combine(RepoPaths.Root, folder), "*.yaml").Order(StringComparer.Ordinal)
            .Select(f => new CatalogFile($"{folder}/{Path.GetFileName(f)}", File.ReadAllBytes(f)));
}
