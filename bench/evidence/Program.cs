// Builds a fleet export of N hosts from one real report of this machine and times the bundle writer.
// Every host gets its own identity and report id; its report is quoted on a swtpm (one attestation key for all,
// PCRs extended with a real firmware event log) and re-evaluated as the aggregator would.
// Usage: EvidenceBench --port P --dir DIR --hosts N --report REPORT.json --catalog REPO --eventlog FILE
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Evidence;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Transport;

var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var port = int.Parse(options["port"], CultureInfo.InvariantCulture);
var dir = options["dir"];
var hosts = int.Parse(options["hosts"], CultureInfo.InvariantCulture);
var template = JsonSerializer.Deserialize(File.ReadAllBytes(options["report"]), WeightGuardJsonContext.Default.Report)!;
var eventLog = File.ReadAllBytes(options["eventlog"]);

var catalogFiles = new[] { "controls", "profiles" }
    .SelectMany(folder => Directory.GetFiles(Path.Combine(options["catalog"], folder), "*.yaml").Order(StringComparer.Ordinal)
        .Select(f => new CatalogFile($"{folder}/{Path.GetFileName(f)}", File.ReadAllBytes(f))))
    .ToList();
var loaded = CatalogLoader.Load(
    catalogFiles.Where(f => f.Path.StartsWith("controls/", StringComparison.Ordinal)).Select(f => new CatalogSource(f.Path, System.Text.Encoding.UTF8.GetString(f.Content))),
    catalogFiles.Where(f => f.Path.StartsWith("profiles/", StringComparison.Ordinal)).Select(f => new CatalogSource(f.Path, System.Text.Encoding.UTF8.GetString(f.Content))));
var catalog = loaded.Catalog ?? throw new InvalidOperationException(string.Join("\n", loaded.Errors));

// Firmware would have extended PCRs 0-7 with the log's events; do the same on the swtpm.
foreach (var e in TcgEventLogParser.Parse(eventLog).Events.Where(e => e.PcrIndex < 8 && e.EventType != TcgEventType.NoAction))
    foreach (var d in e.Digests.Where(d => d.Algorithm == TpmAlgId.Sha256))
    {
        using var extend = Process.Start(new ProcessStartInfo("tpm2_pcrextend", $"{e.PcrIndex}:sha256={Convert.ToHexStringLower(d.Digest)}")
        { Environment = { ["TPM2TOOLS_TCTI"] = $"swtpm:host=127.0.0.1,port={port}" } })!;
        extend.WaitForExit();
        if (extend.ExitCode != 0) throw new InvalidOperationException("tpm2_pcrextend failed");
    }

using var transport = new SwtpmTcpTransport("127.0.0.1", port);
var tpm = new TpmClient(transport);
var selection = PcrSelection.Parse(AgentProtocol.QuotePcrs);
var ek = tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.EkRsa2048());
tpm.FlushContext(ek.Handle);
var ak = tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
var values = tpm.PcrRead(selection);
var pcrs = selection.ToDictionary(b => TpmHash.Describe(b.Hash),
    b => (IReadOnlyDictionary<string, string>)b.Pcrs.ToDictionary(p => p.ToString(CultureInfo.InvariantCulture), p => Convert.ToHexStringLower(values.Get(b.Hash, p)!)));
var keys = new HostTpmKeys(ak.Public.ToBytes(), ek.Public.ToBytes());

var fleet = new List<BundleHost>();
for (var i = 0; i < hosts; i++)
{
    var name = $"gpu-{i:D4}";
    var machineId = Convert.ToHexStringLower(SHA256.HashData(BitConverter.GetBytes(i)))[..32];
    var identity = template.Host with { Hostname = name, MachineId = machineId };
    var evidence = template.Evidence with { Host = identity };
    var finished = template.FinishedAt.AddMinutes(i);
    var evaluation = Evaluator.Evaluate(catalog, template.Profile.Id, evidence, finished);
    var report = template with
    {
        ReportId = new Guid(SHA256.HashData(BitConverter.GetBytes(i))[..16]), Host = identity, Evidence = evidence, FinishedAt = finished,
        Results = evaluation.Results, Summary = evaluation.Summary,
    };
    var json = JsonSerializer.SerializeToUtf8Bytes(report, WeightGuardJsonContext.Default.Report);
    var nonce = RandomNumberGenerator.GetBytes(EvidenceBinding.NonceLength);
    using var document = JsonDocument.Parse(json);
    var quote = tpm.Quote(ak.Handle, EvidenceBinding.QualifyingData(nonce, EvidenceBinding.EvidenceDigest(document.RootElement)), selection);
    var attestation = new QuoteAttestation(Convert.ToHexStringLower(nonce), Convert.ToBase64String(quote.Attest),
        Convert.ToBase64String(quote.Signature.ToBytes()), pcrs, Convert.ToBase64String(eventLog));
    // The aggregator re-evaluates the evidence itself; the verdicts equal the agent's here because nothing was tampered with.
    fleet.Add(new BundleHost
    {
        AgentId = $"agent-{i:D4}", Hostname = name, MachineId = machineId, Tpm = keys,
        Reports = [new BundleReport(json, attestation, VerdictsDocument.Judge(catalog, evidence, HostSubject.Named(name), [template.Profile.Id], finished))],
    });
}
tpm.FlushContext(ak.Handle);

using var caKey = RSA.Create(2048);
var caRequest = new CertificateRequest("CN=Bench Aggregator CA", caKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
using var ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
using var signerKey = RSA.Create(2048);
var signerRequest = new CertificateRequest("CN=Bench Aggregator bundle signing", signerKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
signerRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
using var issued = signerRequest.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddMonths(6), [7]);
using var signer = issued.CopyWithPrivateKey(signerKey);
File.WriteAllText(Path.Combine(dir, "ca.pem"), ca.ExportCertificatePem());

var content = new BundleContent { CreatedAt = DateTimeOffset.UtcNow, Producer = "evidence bench", Catalog = catalogFiles, Hosts = fleet };
var key = new BundleSigningKey(signer, [X509CertificateLoader.LoadCertificate(ca.RawData)]);
var times = new List<double>();
for (var run = 0; run < 3; run++)
{
    var watch = Stopwatch.StartNew();
    using (var output = File.Create(Path.Combine(dir, "bundle.zip"))) EvidenceBundleWriter.Write(content, key, output);
    times.Add(watch.Elapsed.TotalMilliseconds);
}
times.Sort();
Console.WriteLine($"export: {hosts} hosts, {new FileInfo(Path.Combine(dir, "bundle.zip")).Length / 1024} KiB bundle, writer median {times[1]:F0} ms (runs: {string.Join(", ", times.Select(t => t.ToString("F0", CultureInfo.InvariantCulture)))})");
