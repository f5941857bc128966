using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Firmware;

/// <summary>
/// Firmware security from fwupd when it is installed: runs (or replays) <c>fwupdmgr security --json</c> and reads it.
/// Without fwupd the evidence says so and nothing else; a run that fails is a problem, never a guess.
/// </summary>
public sealed class FirmwareCollector(IFwupdSecurityReport? fwupd)
{
    /// <summary>The collector for a host root: fwupdmgr on the live host, the recording in a tree.</summary>
    public static FirmwareCollector For(HostRoot root) => new(FwupdSecurityReports.For(root));

    /// <summary>Collects the firmware evidence.</summary>
    public FirmwareEvidence Collect()
    {
        if (fwupd is null) return new FirmwareEvidence { FwupdPresent = false };
        try
        {
            var output = fwupd.Read();
            if (output.ExitCode != 0)
                return new FirmwareEvidence { FwupdPresent = true, Source = fwupd.Source, Problem = $"fwupdmgr security exited with {output.ExitCode} (is the fwupd service running?)" };
            return FwupdSecurityParser.Parse(output.Json) with { FwupdPresent = true, Source = fwupd.Source };
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            return new FirmwareEvidence { FwupdPresent = true, Source = fwupd.Source, Problem = e.Message };
        }
    }
}
