// Load generator for weightguard-aggregator, run by run.sh against the real server process.
//   ingest: enrol N agents with TPM credential activation on swtpm, have each quote reports over fresh nonces with its
//           swtpm (real TPM2_Quote), then post them all with C concurrent connections: sustained reports/s, p50/p95.
//   fleet:  GET /api/v1/hosts?limit=10000 R times: p50/p95.
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Protocol;
using WeightGuard.Core.Reports;
using WeightGuard.Tpm;
using WeightGuard.Tpm.Transport;

var options = args.Skip(1).Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
string Opt(string name) => options.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
var catalog = EmbeddedCatalog.Load(typeof(WeightGuard.Aggregator.Hosting.AggregatorApp).Assembly).Catalog!;

switch (args[0])
{
    case "fleet": await Fleet(new Uri(Opt("server")), Opt("ca"), Opt("admin-token"), int.Parse(Opt("requests"))); break;
    case "ingest":
        await Ingest(new Uri(Opt("server")), Opt("ca"), Opt("token"), Opt("swtpm").Split(',').Select(int.Parse).ToArray(),
            int.Parse(Opt("agents")), int.Parse(Opt("reports")), int.Parse(Opt("concurrency")), int.Parse(Opt("server-pid")));
        break;
    default: throw new ArgumentException("fleet | ingest");
}
return 0;

Report NewReport(string hostname)
{
    var now = DateTimeOffset.UtcNow;
    var evidence = new Evidence
    {
        Host = new HostIdentity { Hostname = hostname, Os = "Debian GNU/Linux 12", Kernel = "6.1.0", Arch = "x64", Platform = "linux" },
        Tpm = new TpmEvidence { Present = true, Source = "device:/dev/tpmrm0", Version = "2.0", Manufacturer = "IBM", PcrBanks = ["sha256"] },
    };
    var profile = catalog.Resolve("rand-sl3");
    var evaluation = Evaluator.Evaluate(catalog, "rand-sl3", evidence, now);
    return new Report
    {
        ReportId = Guid.NewGuid(), Host = evidence.Host, Agent = new AgentInfo("0.1.0"), StartedAt = now, FinishedAt = now,
        Profile = new ProfileInfo("rand-sl3", profile.Definition.Title, profile.Digest), Evidence = evidence,
        Results = evaluation.Results, Summary = evaluation.Summary,
    };
}

HttpClient Client(Uri server, string caFile, X509Certificate2? certificate = null)
{
    var ca = X509Certificate2.CreateFromPem(File.ReadAllText(caFile));
    var handler = new SocketsHttpHandler
    {
        PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        SslOptions = new SslClientAuthenticationOptions
        {
            RemoteCertificateValidationCallback = (_, cert, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                using var received = X509CertificateLoader.LoadCertificate(cert!.GetRawCertData());
                return chain.Build(received);
            },
            ClientCertificates = certificate is null ? null : [certificate],
            LocalCertificateSelectionCallback = certificate is null ? null : (_, _, _, _, _) => certificate,
        },
    };
    return new HttpClient(handler) { BaseAddress = server, Timeout = TimeSpan.FromMinutes(2) };
}

async Task Fleet(Uri server, string caFile, string adminToken, int requests)
{
    using var client = Client(server, caFile);
    client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    foreach (var (label, path) in new[] { ("all 10,000", "/api/v1/hosts?limit=10000"), ("page of 100", "/api/v1/hosts?limit=100&offset=5000"), ("search", "/api/v1/hosts?search=gpu-0999&limit=100") })
    {
        var times = new List<double>();
        long bytes = 0;
        for (var i = 0; i < requests + 3; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await client.GetAsync(path);
            var content = await response.Content.ReadAsByteArrayAsync();
            response.EnsureSuccessStatusCode();
            if (i >= 3) { times.Add(clock.Elapsed.TotalMilliseconds); bytes = content.Length; } // 3 warm-up requests
        }
        Console.WriteLine($"fleet query ({label}): p50 {Percentile(times, 50):0.0} ms, p95 {Percentile(times, 95):0.0} ms over {requests} requests, {bytes / 1024} KiB each");
    }
}

async Task Ingest(Uri server, string caFile, string token, int[] swtpmPorts, int agentCount, int reportCount, int concurrency, int serverPid)
{
    var tpms = swtpmPorts.Select(port => new BenchTpm(port)).ToArray();
    using var anonymous = Client(server, caFile);

    var clock = Stopwatch.StartNew();
    var agents = new List<(HttpClient Client, BenchTpm Tpm)>();
    for (var i = 0; i < agentCount; i++)
    {
        var tpm = tpms[i % tpms.Length];
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=bench", key, HashAlgorithmName.SHA256).CreateSigningRequestPem();
        var result = await Post(anonymous, AgentProtocol.EnrollmentsPath, new EnrollmentRequest(token, csr, $"bench-{i:0000}", null, tpm.Enrollment),
            ProtocolJsonContext.Default.EnrollmentRequest, ProtocolJsonContext.Default.EnrollmentResult);
        var credential = tpm.Activate(result.Challenge!);
        result = await Post(anonymous, AgentProtocol.ActivationPath(result.Challenge!.EnrollmentId), new ActivationRequest(Convert.ToBase64String(credential)),
            ProtocolJsonContext.Default.ActivationRequest, ProtocolJsonContext.Default.EnrollmentResult);
        using var issued = X509Certificate2.CreateFromPem(result.Certificate!);
        using var withKey = issued.CopyWithPrivateKey(key);
        agents.Add((Client(server, caFile, X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null)), tpm));
    }
    Console.WriteLine($"enrolled {agentCount} agents with credential activation on {tpms.Length} swtpm in {clock.Elapsed.TotalSeconds:0.0} s");

    // Every report is quoted by its agent's swtpm over a nonce the aggregator issued to that agent.
    clock.Restart();
    var submissions = new (HttpClient Client, string Json)[reportCount];
    await Parallel.ForEachAsync(Enumerable.Range(0, tpms.Length), new ParallelOptions { MaxDegreeOfParallelism = tpms.Length }, async (t, _) =>
    {
        var mine = Enumerable.Range(0, agentCount).Where(a => a % tpms.Length == t).ToArray();
        for (int r = t, k = 0; r < reportCount; r += tpms.Length, k++)
        {
            var agentIndex = mine[k % mine.Length];
            var (client, tpm) = agents[agentIndex];
            var nonce = await Read(await client.PostAsync(AgentProtocol.NoncePath, null), ProtocolJsonContext.Default.NonceResponse);
            var report = NewReport($"bench-{agentIndex:0000}");
            var element = JsonSerializer.SerializeToElement(report, WeightGuardJsonContext.Default.Report);
            var qualifying = EvidenceBinding.QualifyingData(Convert.FromHexString(nonce.Nonce), EvidenceBinding.EvidenceDigest(element));
            submissions[r] = (client, JsonSerializer.Serialize(new ReportSubmission(report, tpm.Quote(nonce.Nonce, qualifying)), ProtocolJsonContext.Default.ReportSubmission));
        }
    });
    Console.WriteLine($"quoted {reportCount} reports in {clock.Elapsed.TotalSeconds:0.0} s ({reportCount / clock.Elapsed.TotalSeconds:0} quotes/s from swtpm); " +
        $"submission size {submissions[0].Json.Length / 1024.0:0.0} KiB");

    // With --pause DIR the load waits for DIR/go before posting and writes DIR/posted after, so a profiler sees only the posting.
    var pause = options.GetValueOrDefault("pause");
    if (pause is not null)
    {
        File.WriteAllText(Path.Combine(pause, "ready"), "");
        while (!File.Exists(Path.Combine(pause, "go"))) await Task.Delay(100);
    }
    var cpuBefore = ProcessCpu(serverPid);
    var (elapsed, latencies, failures) = await Blast(reportCount, concurrency, async r =>
    {
        var (client, json) = submissions[r];
        using var response = await client.PostAsync(AgentProtocol.ReportsPath, new StringContent(json, Encoding.UTF8, "application/json"));
        var body = await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode && body.Contains("\"attestation\":\"verified\"", StringComparison.Ordinal) ? null : $"{(int)response.StatusCode}: {body}";
    });
    Console.WriteLine($"ingest: {reportCount} attested reports in {elapsed:0.00} s = {reportCount / elapsed:0} reports/s with {concurrency} connections; " +
        $"p50 {Percentile(latencies, 50):0.0} ms, p95 {Percentile(latencies, 95):0.0} ms; {failures} refused");
    // CPU the server process spent per report: independent of what else the machine runs, unlike the rate above.
    var cpuPerReport = (ProcessCpu(serverPid) - cpuBefore).TotalMilliseconds / reportCount;
    Console.WriteLine($"server CPU per attested report: {cpuPerReport:0.00} ms, so 2 cores of it sustain at most {2000 / cpuPerReport:0} reports/s");

    if (pause is not null)
    {
        File.WriteAllText(Path.Combine(pause, "posted"), "");
        while (File.Exists(Path.Combine(pause, "go"))) await Task.Delay(100);
    }

    // The ceiling on the same connections: TLS and HTTP only (GET /api/v1/ca), no verification, no database.
    var (caElapsed, caLatencies, _) = await Blast(reportCount, concurrency, async r =>
    {
        using var response = await submissions[r].Client.GetAsync(AgentProtocol.CaPath);
        await response.Content.ReadAsStringAsync();
        return response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode}";
    });
    Console.WriteLine($"ceiling (GET /api/v1/ca, same connections): {reportCount / caElapsed:0} requests/s, p95 {Percentile(caLatencies, 95):0.0} ms; " +
        $"ingest runs at {reportCount / elapsed / (reportCount / caElapsed):0.00} of it");
    foreach (var tpm in tpms) tpm.Dispose();
}

static async Task<(double Seconds, List<double> Latencies, int Failures)> Blast(int count, int concurrency, Func<int, Task<string?>> send)
{
    var latencies = new ConcurrentBag<double>();
    var failures = 0;
    var next = -1;
    var clock = Stopwatch.StartNew();
    await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
    {
        int r;
        while ((r = Interlocked.Increment(ref next)) < count)
        {
            var sent = Stopwatch.StartNew();
            var problem = await send(r);
            latencies.Add(sent.Elapsed.TotalMilliseconds);
            if (problem is not null && Interlocked.Increment(ref failures) <= 3) Console.Error.WriteLine(problem);
        }
    }));
    return (clock.Elapsed.TotalSeconds, latencies.ToList(), failures);
}

/// <summary>User + system CPU time of a process, from /proc/PID/stat (clock ticks of 10 ms).</summary>
static TimeSpan ProcessCpu(int pid)
{
    var fields = File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return TimeSpan.FromMilliseconds((long.Parse(fields[11]) + long.Parse(fields[12])) * 10);
}

static double Percentile(List<double> values, int p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p / 100.0 * sorted.Count) - 1)];
}

static async Task<TOut> Post<TIn, TOut>(HttpClient client, string path, TIn value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<TIn> input,
    System.Text.Json.Serialization.Metadata.JsonTypeInfo<TOut> output) =>
    await Read(await client.PostAsync(path, new StringContent(JsonSerializer.Serialize(value, input), Encoding.UTF8, "application/json")), output);

static async Task<T> Read<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
{
    var body = await response.Content.ReadAsStringAsync();
    if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{(int)response.StatusCode}: {body}");
    return JsonSerializer.Deserialize(body, type)!;
}

/// <summary>One swtpm: EK and AK primaries, credential activation and quotes over the protocol's PCRs.</summary>
internal sealed class BenchTpm : IDisposable
{
    private readonly SwtpmTcpTransport _transport;
    private readonly TpmClient _tpm;
    private readonly CreatePrimaryResult _ek;
    private readonly CreatePrimaryResult _ak;
    private readonly IReadOnlyList<TpmsPcrSelection> _selection = PcrSelection.Parse(AgentProtocol.QuotePcrs);

    public BenchTpm(int port)
    {
        _transport = new SwtpmTcpTransport("127.0.0.1", port);
        _tpm = new TpmClient(_transport);
        _ek = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.EkRsa2048());
        _ak = _tpm.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
        Enrollment = new TpmEnrollment(Convert.ToBase64String(_ek.Public.ToBytes()), Convert.ToBase64String(_ak.Public.ToBytes()));
    }

    public TpmEnrollment Enrollment { get; }

    public byte[] Activate(CredentialChallenge c) => _tpm.ActivateCredentialWithEk(_ak.Handle, _ek.Handle,
        new MakeCredentialResult(Convert.FromBase64String(c.CredentialBlob), Convert.FromBase64String(c.EncryptedSecret)));

    public QuoteAttestation Quote(string nonce, byte[] qualifying)
    {
        var quote = _tpm.Quote(_ak.Handle, qualifying, _selection);
        var values = _tpm.PcrRead(_selection);
        var pcrs = _selection.ToDictionary(b => TpmHash.Describe(b.Hash), b => (IReadOnlyDictionary<string, string>)b.Pcrs.ToDictionary(
            p => p.ToString(System.Globalization.CultureInfo.InvariantCulture), p => Convert.ToHexStringLower(values.Get(b.Hash, p)!)));
        return new QuoteAttestation(nonce, Convert.ToBase64String(quote.Attest), Convert.ToBase64String(quote.Signature.ToBytes()), pcrs);
    }

    public void Dispose()
    {
        _tpm.FlushContext(_ak.Handle);
        _tpm.FlushContext(_ek.Handle);
        _transport.Dispose();
    }
}
