using System.Diagnostics;
using WeightGuard.Collectors;
using WeightGuard.Collectors.Disk;

// Side-by-side, same machine, same run:
//   1. LUKS headers parsed per second in process vs `cryptsetup luksDump` whole-process calls per second (and
//      `weightguard inspect luks` whole-process calls, the like-for-like comparison), on the same images;
//   2. storage-chain resolution latency for a path vs `lsblk` whole-process latency.
// Usage: LuksBench <weightguard binary or weightguard.dll> <seconds> <path-to-resolve> <image>...
var weightguard = args[0];
var seconds = double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture);
var path = args[2];
var images = args[3..];

Console.WriteLine($"{"measurement",-58} {"ops/s",12} {"mean",12}");
foreach (var image in images)
{
    var name = Path.GetFileName(image);
    var parse = Rate(() => LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image)));
    var dump = Rate(() => Run("cryptsetup", "luksDump", image));
    var cli = weightguard.EndsWith(".dll", StringComparison.Ordinal)
        ? Rate(() => Run("dotnet", weightguard, "inspect", "luks", image))
        : Rate(() => Run(weightguard, "inspect", "luks", image));
    Report($"{name}: LuksHeaderParser + summary (in process)", parse);
    Report($"{name}: cryptsetup luksDump (process)", dump);
    Report($"{name}: weightguard inspect luks (process)", cli);
    Console.WriteLine($"  ratio parse/luksDump = {parse.PerSecond / dump.PerSecond:F0}x; inspect-process/luksDump = {cli.PerSecond / dump.PerSecond:F2}x");
}

var resolve = Rate(() => new StorageChainResolver(HostRoot.Live).Resolve(path));
var lsblk = Rate(() => Run("lsblk", "--json", "--output", "NAME,KNAME,TYPE,FSTYPE,MOUNTPOINTS,PKNAME"));
Report($"StorageChainResolver.Resolve({path}) (in process)", resolve);
Report("lsblk --json (process)", lsblk);
Console.WriteLine($"  ratio lsblk latency / resolve latency = {lsblk.Mean.TotalMicroseconds / resolve.Mean.TotalMicroseconds:F1}x");
return 0;

(double PerSecond, TimeSpan Mean) Rate(Action action)
{
    for (var i = 0; i < 3; i++) action(); // warm up (JIT, page cache)
    var sw = Stopwatch.StartNew();
    long n = 0;
    while (sw.Elapsed.TotalSeconds < seconds)
    {
        action();
        n++;
    }
    sw.Stop();
    return (n / sw.Elapsed.TotalSeconds, sw.Elapsed / n);
}

static void Report(string what, (double PerSecond, TimeSpan Mean) r) =>
    Console.WriteLine($"{what,-58} {r.PerSecond,12:F1} {FormatTime(r.Mean),12}");

static string FormatTime(TimeSpan t) => t.TotalMilliseconds >= 1 ? $"{t.TotalMilliseconds:F2} ms" : $"{t.TotalMicroseconds:F1} µs";

static void Run(string tool, params string[] args)
{
    var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
    foreach (var a in args) psi.ArgumentList.Add(a);
    using var p = Process.Start(psi)!;
    p.StandardOutput.ReadToEnd();
    p.StandardError.ReadToEnd();
    p.WaitForExit();
    if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} exited {p.ExitCode}");
}
