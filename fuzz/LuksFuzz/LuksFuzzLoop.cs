namespace WeightGuard.Fuzz.Luks;

/// <summary>
/// A mutation loop over <see cref="LuksFuzzTarget"/>: each execution mutates an input of the corpus; an input that
/// reaches new coverage (when a coverage source is given) joins the corpus. It stops at the first crash, which is
/// returned with the input that caused it.
/// </summary>
public static class LuksFuzzLoop
{
    /// <summary>What a run did.</summary>
    /// <param name="Executions">Inputs run.</param>
    /// <param name="Accepted">Inputs accepted as a LUKS header (the rest were refused).</param>
    /// <param name="Corpus">The corpus at the end (seeds plus inputs that found new coverage).</param>
    /// <param name="MaxAllocatedBytes">The most bytes one execution allocated.</param>
    /// <param name="CrashInput">The input that crashed, or null.</param>
    /// <param name="Crash">The exception it threw, or null.</param>
    public sealed record Result(long Executions, long Accepted, IReadOnlyList<byte[]> Corpus, long MaxAllocatedBytes, byte[]? CrashInput, Exception? Crash);

    /// <summary>Runs until <paramref name="executions"/> inputs have run, <paramref name="until"/> has passed or an input crashes.</summary>
    /// <param name="seeds">The seed corpus (at least one input).</param>
    /// <param name="seed">The mutation seed: the same seeds and seed give the same inputs.</param>
    /// <param name="executions">The most inputs to run.</param>
    /// <param name="until">When to stop at the latest, or null.</param>
    /// <param name="newCoverage">Called before (reset) and after each run: true after a run that reached new coverage.</param>
    public static Result Run(IReadOnlyList<byte[]> seeds, int seed, long executions, DateTime? until = null, Func<bool, bool>? newCoverage = null)
    {
        var corpus = seeds.ToList();
        var mutator = new LuksMutator(seed);
        var random = new Random(seed);
        long accepted = 0, maxAllocated = 0, done = 0;
        foreach (var s in seeds)
            if (Execute(s) is { } seedCrash) return new Result(0, accepted, corpus, maxAllocated, s, seedCrash);
        for (; done < executions && (until is null || DateTime.UtcNow < until); done++)
        {
            var input = mutator.Mutate(corpus[random.Next(corpus.Count)], corpus);
            if (Execute(input) is { } crash) return new Result(done + 1, accepted, corpus, maxAllocated, input, crash);
        }
        return new Result(done, accepted, corpus, maxAllocated, null, null);

        Exception? Execute(byte[] input)
        {
            newCoverage?.Invoke(false);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                if (LuksFuzzTarget.Run(input)) accepted++;
            }
            catch (Exception e)
            {
                return e;
            }
            maxAllocated = Math.Max(maxAllocated, GC.GetAllocatedBytesForCurrentThread() - before);
            if (newCoverage?.Invoke(true) == true) corpus.Add(input);
            return null;
        }
    }
}
