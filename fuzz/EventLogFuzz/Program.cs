using SharpFuzz;
using WeightGuard.Fuzz.EventLog;

// afl: run under afl-fuzz after `sharpfuzz` instrumented WeightGuard.Tpm.dll (coverage-guided, out of process).
// libfuzzer: run under libfuzzer-dotnet likewise. mutate SEEDS N: the deterministic mutation run the tests use, standalone.
switch (args)
{
    case ["afl"]:
        Fuzzer.OutOfProcess.Run(stream =>
        {
            using var buffer = new MemoryStream();
            stream.CopyTo(buffer);
            EventLogTarget.Run(buffer.GetBuffer().AsSpan(0, (int)buffer.Length));
        });
        return 0;
    case ["libfuzzer"]:
        Fuzzer.LibFuzzer.Run(span => EventLogTarget.Run(span));
        return 0;
    case ["mutate", var seeds, var count] when int.TryParse(count, out var executions):
        var inputs = Directory.GetFiles(seeds, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal).Select(File.ReadAllBytes).ToList();
        if (inputs.Count == 0) { Console.Error.WriteLine($"{seeds}: no seed files"); return 2; }
        var run = MutationRun.Run(inputs, executions);
        if (run.Crash is { } crash)
        {
            var saved = Path.GetFullPath($"crash-eventlog-{run.Executions}.bin");
            File.WriteAllBytes(saved, run.CrashInput!);
            Console.Error.WriteLine($"execution {run.Executions}: {crash.GetType().Name}: {crash.Message} (input saved to {saved})");
            return 1;
        }
        Console.WriteLine($"{run.Executions} executions, {run.Parsed} parsed, {run.Executions - run.Parsed} refused, no crash");
        return 0;
    default:
        Console.Error.WriteLine("usage: EventLogFuzz afl | libfuzzer | mutate SEEDS EXECUTIONS");
        return 2;
}
