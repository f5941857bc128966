using System.Runtime.InteropServices;
using SharpFuzz;
using WeightGuard.Fuzz.Luks;

// weightguard-luks-fuzz: see README.md. Modes:
//   afl                      under afl-fuzz, on an assembly instrumented with `sharpfuzz`
//   libfuzzer                under libfuzzer-dotnet
//   run SEEDS OUT [SECONDS] [SEED]
//                            the built-in loop, coverage-guided when WeightGuard.Collectors.dll is instrumented;
//                            writes the corpus to OUT/corpus and a crash to OUT/crash-*; exit 1 on a crash
switch (args.FirstOrDefault())
{
    case "afl":
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            LuksFuzzTarget.Run(buffer.ToArray());
        });
        return 0;
    case "libfuzzer":
        Fuzzer.LibFuzzer.Run(span => LuksFuzzTarget.Run(span));
        return 0;
    case "run" when args.Length >= 3:
        return InProcess.Run(args[1], args[2], args.Length > 3 ? int.Parse(args[3]) : 60, args.Length > 4 ? int.Parse(args[4]) : 1);
    default:
        Console.Error.WriteLine("usage: LuksFuzz afl | libfuzzer | run SEEDS-DIR OUT-DIR [SECONDS] [SEED]");
        return 2;
}

/// <summary>The built-in loop with SharpFuzz's edge map read in-process.</summary>
internal static unsafe class InProcess
{
    private const int MapSize = 1 << 16;

    public static int Run(string seedsDir, string outDir, int seconds, int seed)
    {
        var seeds = Directory.GetFiles(seedsDir).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        var map = (byte*)NativeMemory.AllocZeroed(MapSize);
        var seen = new bool[MapSize];
        var edges = 0;
        SharpFuzz.Common.Trace.SharedMem = map;
        var result = LuksFuzzLoop.Run(seeds, seed, long.MaxValue, DateTime.UtcNow.AddSeconds(seconds), after =>
        {
            if (!after)
            {
                NativeMemory.Clear(map, MapSize);
                SharpFuzz.Common.Trace.PrevLocation = 0;
                return false;
            }
            var found = false;
            for (var i = 0; i < MapSize; i++)
                if (map[i] != 0 && !seen[i]) { seen[i] = true; edges++; found = true; }
            return found;
        });
        Directory.CreateDirectory(Path.Combine(outDir, "corpus"));
        for (var i = 0; i < result.Corpus.Count; i++) File.WriteAllBytes(Path.Combine(outDir, "corpus", $"{i:D5}"), result.Corpus[i]);
        Console.WriteLine($"executions {result.Executions}, accepted {result.Accepted}, corpus {result.Corpus.Count}, " +
                          $"edges {edges}{(edges == 0 ? " (WeightGuard.Collectors.dll is not instrumented)" : "")}, " +
                          $"max allocated per execution {result.MaxAllocatedBytes / 1024} KiB");
        if (result.Crash is null) return 0;
        var crash = Path.Combine(outDir, $"crash-{result.Executions}");
        File.WriteAllBytes(crash, result.CrashInput!);
        Console.Error.WriteLine($"crash ({crash}): {result.Crash}");
        return 1;
    }
}
