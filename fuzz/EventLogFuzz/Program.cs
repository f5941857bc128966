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
        var mutator = new EventLogMutator(seed: 1);
        var parsed = 0;
        for (var i = 0; i < executions; i++)
        {
            var input = mutator.Mutate(inputs[i % inputs.Count], inputs[(i * 7 + 3) % inputs.Count]);
            try { if (EventLogTarget.Run(input)) parsed++; }
            catch (Exception e)
            {
                var crash = Path.GetFullPath($"crash-eventlog-{i}.bin");
                File.WriteAllBytes(crash, input);
                Console.Error.WriteLine($"execution {i}: {e.GetType().Name}: {e.Message} (input saved to {crash})");
                return 1;
            }
        }
        Console.WriteLine($"{executions} executions, {parsed} parsed, {executions - parsed} refused, no crash");
        return 0;
    default:
        Console.Error.WriteLine("usage: EventLogFuzz afl | libfuzzer | mutate SEEDS EXECUTIONS");
        return 2;
}
