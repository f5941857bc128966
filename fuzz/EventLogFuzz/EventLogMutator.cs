using System.Buffers.Binary;

namespace WeightGuard.Fuzz.EventLog;

/// <summary>
/// Deterministic, structure-aware mutations of event logs, for the short run in the tests (no coverage feedback: AFL or
/// libFuzzer do that in the long run). Same seed, same inputs, so a failure reproduces.
/// </summary>
public sealed class EventLogMutator(int seed)
{
    /// <summary>Values that break length and count fields: zero, one, sign and size boundaries, all ones.</summary>
    private static readonly uint[] Boundaries = [0, 1, 2, 3, 4, 0x10, 0xFF, 0xFFFF, 0x10000, 0x7FFFFFFF, 0x80000000, 0xFFFFFFF0, 0xFFFFFFFF];

    /// <summary>TPM algorithm identifiers (SHA-1, SHA-256, SHA-384, SHA-512, SM3-256, SHA3, unknown) for digest headers.</summary>
    private static readonly ushort[] Algorithms = [0x0004, 0x000B, 0x000C, 0x000D, 0x0012, 0x0027, 0x0028, 0x0029, 0x0099];

    private readonly Random _random = new(seed);

    /// <summary>One mutant of <paramref name="input"/> (which is not changed); <paramref name="other"/> is for splicing.</summary>
    public byte[] Mutate(byte[] input, byte[] other)
    {
        var bytes = (byte[])input.Clone();
        var rounds = 1 + _random.Next(4);
        for (var i = 0; i < rounds && bytes.Length > 0; i++) bytes = MutateOnce(bytes, other);
        return bytes;
    }

    private byte[] MutateOnce(byte[] bytes, byte[] other)
    {
        var at = _random.Next(bytes.Length);
        switch (_random.Next(9))
        {
            case 0: bytes[at] ^= (byte)(1 << _random.Next(8)); return bytes;
            case 1: bytes[at] = (byte)_random.Next(256); return bytes;
            case 2 when at + 4 <= bytes.Length:
                BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(at), Boundaries[_random.Next(Boundaries.Length)]);
                return bytes;
            case 3 when at + 2 <= bytes.Length:
                BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(at), Algorithms[_random.Next(Algorithms.Length)]);
                return bytes;
            case 4: return bytes[..at];                                                          // truncation
            case 5: return [.. bytes, .. Enumerable.Repeat((byte)0xFF, 1 + _random.Next(64))];   // CCEL-style padding
            case 6:                                                                              // duplicate a span
                var length = Math.Min(1 + _random.Next(256), bytes.Length - at);
                return [.. bytes[..(at + length)], .. bytes.AsSpan(at, length), .. bytes[(at + length)..]];
            case 7 when other.Length > 0:                                                        // splice another seed's tail
                return [.. bytes[..at], .. other[_random.Next(other.Length)..]];
            default:                                                                             // delete a span
                return [.. bytes[..at], .. bytes[Math.Min(bytes.Length, at + 1 + _random.Next(64))..]];
        }
    }
}

/// <summary>The outcome of a mutation run: how many mutants parsed, and the first crash, if any.</summary>
/// <param name="Executions">Mutants run (up to the crash).</param>
/// <param name="Parsed">Mutants the parser accepted (the others it refused with a format error).</param>
/// <param name="Crash">The first exception other than a format error, or null.</param>
/// <param name="CrashInput">The input that raised it.</param>
public sealed record MutationRun(int Executions, int Parsed, Exception? Crash, byte[]? CrashInput)
{
    /// <summary>Runs <paramref name="executions"/> mutants of <paramref name="seeds"/> (round robin, spliced with each other) through <see cref="EventLogTarget"/>.</summary>
    public static MutationRun Run(IReadOnlyList<byte[]> seeds, int executions, int seed = 1)
    {
        var mutator = new EventLogMutator(seed);
        var parsed = 0;
        for (var i = 0; i < executions; i++)
        {
            var input = mutator.Mutate(seeds[i % seeds.Count], seeds[(i * 7 + 3) % seeds.Count]);
            try { if (EventLogTarget.Run(input)) parsed++; }
            catch (Exception e) { return new MutationRun(i + 1, parsed, e, input); }
        }
        return new MutationRun(executions, parsed, null, null);
    }
}
