// Verification time per GPU attestation report, side by side: WeightGuard's parse + verify (signature, chain to the
// device root, nonce) in process, against OpenSSL doing the same two checks (openssl verify for the chain, openssl dgst
// for the signature) on the same report, NVIDIA's sample H100 report. NVIDIA's own nv-local-gpu-verifier would be the
// closer peer; it installs only from PyPI.
// Usage: GpuReportBench --samples DIR --work DIR --iterations N
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Evidence.Gpu;

var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var samples = options["samples"];
var work = options["work"];
var iterations = int.Parse(options.GetValueOrDefault("iterations", "200"), CultureInfo.InvariantCulture);

var reportBytes = File.ReadAllBytes(Path.Combine(samples, "hopperAttestationReport.txt"));
var chainCollection = new X509Certificate2Collection();
chainCollection.ImportFromPem(File.ReadAllText(Path.Combine(samples, "hopperCertChain.txt")));
IReadOnlyList<X509Certificate2> chain = [.. chainCollection];
var root = GpuTrustAnchors.NvidiaDeviceIdentityRoot();
var parsed = SpdmMeasurementReport.Parse(reportBytes);
var nonce = parsed.RequesterNonce;
IReadOnlySet<string> none = new HashSet<string>();

GpuReportCheck Once() => GpuReportVerifier.Verify(SpdmMeasurementReport.Parse(reportBytes), chain, [root], nonce, [], none, DateTimeOffset.UtcNow);
if (Once().SignatureValid is false) throw new InvalidOperationException("the sample does not verify");
var ours = Time(() => Once());

// OpenSSL's inputs, written once outside the timing: the signed bytes, the signature as DER, the leaf's key, the chain.
File.WriteAllBytes(Path.Combine(work, "signed.bin"), parsed.SignedBytes.ToArray());
using (var key = chain[0].GetECDsaPublicKey()!)
{
    var der = key.VerifyData(parsed.SignedBytes, parsed.Signature, HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
        ? ToDer(parsed.Signature.ToArray()) : throw new InvalidOperationException("signature");
    File.WriteAllBytes(Path.Combine(work, "signature.der"), der);
    File.WriteAllText(Path.Combine(work, "leaf.pub"), key.ExportSubjectPublicKeyInfoPem());
}
File.WriteAllText(Path.Combine(work, "leaf.pem"), chain[0].ExportCertificatePem());
File.WriteAllText(Path.Combine(work, "intermediates.pem"), string.Concat(chain.Skip(1).Take(chain.Count - 2).Select(c => c.ExportCertificatePem() + "\n")));
File.WriteAllText(Path.Combine(work, "root.pem"), root.ExportCertificatePem());
var openssl = Time(() =>
{
    Run("openssl", "verify", "-CAfile", Path.Combine(work, "root.pem"), "-untrusted", Path.Combine(work, "intermediates.pem"), Path.Combine(work, "leaf.pem"));
    Run("openssl", "dgst", "-sha384", "-verify", Path.Combine(work, "leaf.pub"), "-signature", Path.Combine(work, "signature.der"), Path.Combine(work, "signed.bin"));
}, Math.Max(10, iterations / 20));

Console.WriteLine($"GPU report verification, NVIDIA's sample H100 report ({reportBytes.Length} bytes as hex, {parsed.Measurements.Count} measurements, {chain.Count}-certificate chain)");
Console.WriteLine($"  WeightGuard parse + verify, in process:   median {Median(ours):F3} ms  (p95 {P95(ours):F3} ms, {ours.Length} runs)");
Console.WriteLine($"  openssl verify + openssl dgst (2 processes): median {Median(openssl):F3} ms  (p95 {P95(openssl):F3} ms, {openssl.Length} runs)");
Console.WriteLine($"  ratio openssl / WeightGuard: {Median(openssl) / Median(ours):F1}x");

double[] Time(Action once, int? count = null)
{
    once();
    var times = new double[count ?? iterations];
    for (var i = 0; i < times.Length; i++)
    {
        var sw = Stopwatch.StartNew();
        once();
        times[i] = sw.Elapsed.TotalMilliseconds;
    }
    return times;
}

static void Run(string tool, params string[] toolArgs)
{
    var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in toolArgs) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    var stderr = p.StandardError.ReadToEndAsync();
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {toolArgs[0]} failed: {stderr.Result}");
}

static byte[] ToDer(byte[] raw)
{
    var half = raw.Length / 2;
    var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
    using (writer.PushSequence())
    {
        writer.WriteIntegerUnsigned(raw.AsSpan(0, half));
        writer.WriteIntegerUnsigned(raw.AsSpan(half));
    }
    return writer.Encode();
}

static double Median(double[] v) { var s = v.Order().ToArray(); return s[s.Length / 2]; }
static double P95(double[] v) { var s = v.Order().ToArray(); return s[(int)(s.Length * 0.95)]; }
