using System.Text.Json;
using WeightGuard.Collectors.Disk;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Fuzz.Luks;

/// <summary>
/// The fuzz target: what <c>weightguard inspect luks</c> and the storage collector do with a header, on a 64 MiB
/// virtual device that starts with the input. A refusal (<see cref="LuksFormatException"/>) is a correct answer; any
/// other exception is a crash.
/// </summary>
public static class LuksFuzzTarget
{
    /// <summary>The virtual device size: room for the largest LUKS2 metadata and keyslots areas of the seeds.</summary>
    public const long DeviceSize = 64L << 20;

    /// <summary>Runs one input; true when the header is accepted, false when it is refused.</summary>
    public static bool Run(ReadOnlySpan<byte> input)
    {
        using var device = new VirtualDevice(input.ToArray(), DeviceSize);
        try
        {
            var summary = LuksSummarizer.Summarize(LuksHeaderParser.Parse(device));
            JsonSerializer.Serialize(summary, StorageEvidenceJsonContext.Default.LuksSummary);
            return true;
        }
        catch (LuksFormatException)
        {
            return false;
        }
    }
}
