// Side-by-side timings on one swtpm: WeightGuard's quote round trip against tpm2-tools, and event-log replay speed.
// Usage: TpmQuoteBench --port P --dir WORKDIR --iterations N --cli weightguard|weightguard.dll --eventlogs DIR
using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Transport;
using WeightGuard.Tpm.Verification;

var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p[1]);
var port = int.Parse(options["port"], CultureInfo.InvariantCulture);
var dir = options["dir"];
var iterations = int.Parse(options.GetValueOrDefault("iterations", "20"), CultureInfo.InvariantCulture);
var selection = PcrSelection.Parse("sha256:0,1,2,3,4,5,6,7");
var tcti = new Dictionary<string, string> { ["TPM2TOOLS_TCTI"] = $"swtpm:host=127.0.0.1,port={port}" };
var client = new TpmClient(new SwtpmTcpTransport("127.0.0.1", port));
var results = new List<(string Name, double[] Ms)>();

void Measure(string name, Action once, Action? between = null)
{
    once(); // warm-up
    between?.Invoke();
    var times = new double[iterations];
    for (var i = 0; i < iterations; i++)
    {
        var sw = Stopwatch.StartNew();
        once();
        times[i] = sw.Elapsed.TotalMilliseconds;
        between?.Invoke();
    }
    results.Add((name, times));
}

void Tool(string tool, params string[] toolArgs)
{
    var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
    foreach (var a in toolArgs) psi.ArgumentList.Add(a);
    foreach (var (k, v) in tcti) psi.Environment[k] = v;
    using var p = Process.Start(psi)!;
    var stderr = p.StandardError.ReadToEndAsync();
    p.StandardOutput.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} failed: {stderr.Result}");
}

// tpm2-tools keeps no resource manager on swtpm: free the object and session slots between runs (outside the timing).
void Flush()
{
    Tool("tpm2_flushcontext", "-t");
    Tool("tpm2_flushcontext", "-s");
}

void WeightGuardRoundTrip(TpmtPublic template)
{
    var nonce = RandomNumberGenerator.GetBytes(32);
    var ak = client.CreatePrimary(TpmRh.Endorsement, template);
    QuoteResult quote;
    try { quote = client.Quote(ak.Handle, nonce, selection); }
    finally { client.FlushContext(ak.Handle); }
    var pcrs = client.PcrRead(selection);
    if (!QuoteVerifier.Verify(quote.Attest, quote.Signature, ak.Public, nonce, selection, pcrs).Verified)
        throw new InvalidOperationException("quote did not verify");
}

Measure("WeightGuard library: create AK + quote + PCR read + verify (RSA)", () => WeightGuardRoundTrip(TpmTemplates.AkRsa()));
Measure("WeightGuard library: create AK + quote + PCR read + verify (ECC)", () => WeightGuardRoundTrip(TpmTemplates.AkEcc()));

var existing = client.CreatePrimary(TpmRh.Endorsement, TpmTemplates.AkRsa());
Measure("WeightGuard library: quote + PCR read + verify, existing AK (RSA)", () =>
{
    var nonce = RandomNumberGenerator.GetBytes(32);
    var quote = client.Quote(existing.Handle, nonce, selection);
    var pcrs = client.PcrRead(selection);
    if (!QuoteVerifier.Verify(quote.Attest, quote.Signature, existing.Public, nonce, selection, pcrs).Verified)
        throw new InvalidOperationException("quote did not verify");
});
client.FlushContext(existing.Handle);

if (options.TryGetValue("cli", out var cli))
    Measure(cli.EndsWith(".dll") ? "weightguard tpm quote (whole process, dotnet + JIT)" : "weightguard tpm quote (whole process, NativeAOT)", () =>
    {
        var psi = new ProcessStartInfo(cli.EndsWith(".dll") ? "dotnet" : cli) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in (cli.EndsWith(".dll") ? new[] { cli } : []).Concat(["tpm", "quote", "--tpm", $"swtpm:127.0.0.1:{port}", "--nonce",
                     Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)), "--pcrs", PcrSelection.Format(selection)]))
            psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("weightguard tpm quote failed: " + p.StandardError.ReadToEnd());
    });

var ek = Path.Combine(dir, "ek.ctx");
var ak = Path.Combine(dir, "ak.ctx");
var akPem = Path.Combine(dir, "ak.pem");
var msg = Path.Combine(dir, "quote.msg");
var sig = Path.Combine(dir, "quote.sig");
var pcrFile = Path.Combine(dir, "quote.pcrs");
Flush();
Tool("tpm2_createek", "-c", ek, "-G", "rsa");
Flush();

void ToolsQuote()
{
    var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
    Tool("tpm2_quote", "-c", ak, "-l", PcrSelection.Format(selection), "-q", nonce, "-m", msg, "-s", sig, "-o", pcrFile, "-g", "sha256");
    Tool("tpm2_checkquote", "-u", akPem, "-m", msg, "-s", sig, "-f", pcrFile, "-g", "sha256", "-q", nonce);
}

Measure("tpm2_createak + tpm2_quote + tpm2_checkquote (RSA)", () =>
{
    Tool("tpm2_createak", "-C", ek, "-c", ak, "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", akPem, "-f", "pem");
    ToolsQuote();
}, Flush);
Measure("tpm2_createak + tpm2_quote + tpm2_checkquote (ECC)", () =>
{
    Tool("tpm2_createak", "-C", ek, "-c", ak, "-G", "ecc", "-g", "sha256", "-s", "ecdsa", "-u", akPem, "-f", "pem");
    ToolsQuote();
}, Flush);
Tool("tpm2_createak", "-C", ek, "-c", ak, "-G", "rsa", "-g", "sha256", "-s", "rsassa", "-u", akPem, "-f", "pem");
Flush();
Measure("tpm2_quote + tpm2_checkquote, existing AK (RSA)", ToolsQuote, Flush);

Console.WriteLine($"swtpm on port {port}, {iterations} iterations each, PCRs {PcrSelection.Format(selection)}");
Console.WriteLine($"{"what",-70} {"p50 ms",8} {"mean ms",8} {"min ms",8}");
foreach (var (name, ms) in results)
{
    var sorted = ms.Order().ToArray();
    Console.WriteLine($"{name,-70} {sorted[sorted.Length / 2],8:F2} {ms.Average(),8:F2} {sorted[0],8:F2}");
}

// Event-log replay: parse + replay every shared log, repeatedly.
if (options.TryGetValue("eventlogs", out var logDir))
{
    var logs = Directory.GetFiles(logDir, "*.bin").Where(f => File.Exists(f + ".yaml")).Select(File.ReadAllBytes).ToList();
    var events = logs.Sum(l => TcgEventLogParser.Parse(l).Events.Count);
    var rounds = 0;
    var sw = Stopwatch.StartNew();
    while (sw.Elapsed < TimeSpan.FromSeconds(3))
    {
        foreach (var l in logs) PcrReplay.Replay(TcgEventLogParser.Parse(l));
        rounds++;
    }
    var perSecond = events * (double)rounds / sw.Elapsed.TotalSeconds;
    Console.WriteLine($"event-log parse + replay (all banks): {logs.Count} logs, {events} events per round, {perSecond:N0} events/s");

    var toolEvents = 0;
    var toolTime = TimeSpan.Zero;
    foreach (var file in Directory.GetFiles(logDir, "*.bin").Where(f => File.Exists(f + ".yaml")))
    {
        var t = Stopwatch.StartNew();
        var psi = new ProcessStartInfo("tpm2_eventlog") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(file);
        using var p = Process.Start(psi)!;
        p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) continue; // tpm2_eventlog 5.4 rejects some newer logs
        toolTime += t.Elapsed;
        toolEvents += TcgEventLogParser.Parse(File.ReadAllBytes(file)).Events.Count;
    }
    if (toolEvents > 0)
        Console.WriteLine($"tpm2_eventlog (whole process, parse + replay + YAML): {toolEvents / toolTime.TotalSeconds:N0} events/s over the logs it accepts");
}
