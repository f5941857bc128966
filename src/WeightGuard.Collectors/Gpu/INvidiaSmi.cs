namespace WeightGuard.Collectors.Gpu;

/// <summary>The nvidia-smi invocations WeightGuard makes; each is read-only.</summary>
public enum NvidiaSmiQuery
{
    /// <summary><c>nvidia-smi -q -x</c>: every GPU's state as XML.</summary>
    QueryXml,
    /// <summary><c>--query-gpu=…</c> as CSV (used when the XML cannot be had).</summary>
    QueryGpuCsv,
    /// <summary><c>--query-compute-apps=…</c> as CSV: processes holding GPU memory.</summary>
    ComputeAppsCsv,
    /// <summary><c>conf-compute -f</c>: CC feature on or off.</summary>
    ConfComputeStatus,
    /// <summary><c>conf-compute -e</c>: CC environment.</summary>
    ConfComputeEnvironment,
    /// <summary><c>conf-compute -d</c>: DevTools mode.</summary>
    ConfComputeDevTools,
    /// <summary><c>conf-compute -grs</c>: GPUs ready state.</summary>
    ConfComputeReadyState,
    /// <summary><c>--query-gpu=utilization.gpu</c> as CSV without units: how busy each GPU is now, in percent.</summary>
    UtilizationCsv,
}

/// <summary>What one nvidia-smi invocation printed and how it exited.</summary>
/// <param name="ExitCode">Process exit code (6: no CC-capable device for conf-compute).</param>
/// <param name="Stdout">Standard output.</param>
public sealed record NvidiaSmiOutput(int ExitCode, string Stdout);

/// <summary>Runs nvidia-smi queries. The live implementation runs the tool; tests and offline trees replay recordings.</summary>
public interface INvidiaSmi
{
    /// <summary>How the answers are obtained: <c>nvidia-smi</c> or <c>recorded</c>.</summary>
    string Source { get; }

    /// <summary>Runs one query.</summary>
    /// <exception cref="IOException">The tool could not be run, timed out, or printed too much; or the recording is missing.</exception>
    NvidiaSmiOutput Run(NvidiaSmiQuery query);
}

/// <summary>Arguments and recording names of each query, in one place so recordings and live runs cannot drift apart.</summary>
public static class NvidiaSmiQueries
{
    /// <summary>Columns of <see cref="NvidiaSmiQuery.QueryGpuCsv"/>, in order.</summary>
    public const string GpuFields = "index,name,uuid,pci.bus_id,driver_version,vbios_version,persistence_mode,ecc.mode.current,ecc.mode.pending,mig.mode.current";

    /// <summary>Columns of <see cref="NvidiaSmiQuery.ComputeAppsCsv"/>, in order.</summary>
    public const string ComputeAppFields = "pid,process_name,gpu_uuid,used_memory";

    /// <summary>The command-line arguments for a query.</summary>
    public static IReadOnlyList<string> Arguments(NvidiaSmiQuery query) => query switch
    {
        NvidiaSmiQuery.QueryXml => ["-q", "-x"],
        NvidiaSmiQuery.QueryGpuCsv => ["--query-gpu=" + GpuFields, "--format=csv,noheader"],
        NvidiaSmiQuery.ComputeAppsCsv => ["--query-compute-apps=" + ComputeAppFields, "--format=csv,noheader,nounits"],
        NvidiaSmiQuery.ConfComputeStatus => ["conf-compute", "-f"],
        NvidiaSmiQuery.ConfComputeEnvironment => ["conf-compute", "-e"],
        NvidiaSmiQuery.ConfComputeDevTools => ["conf-compute", "-d"],
        NvidiaSmiQuery.ConfComputeReadyState => ["conf-compute", "-grs"],
        NvidiaSmiQuery.UtilizationCsv => ["--query-gpu=utilization.gpu", "--format=csv,noheader,nounits"],
        _ => throw new ArgumentOutOfRangeException(nameof(query)),
    };

    /// <summary>The file a recording keeps the query's output in (the exit code is in the same name plus <c>.rc</c>).</summary>
    public static string RecordingName(NvidiaSmiQuery query) => query switch
    {
        NvidiaSmiQuery.QueryXml => "query.xml",
        NvidiaSmiQuery.QueryGpuCsv => "query-gpu.csv",
        NvidiaSmiQuery.ComputeAppsCsv => "compute-apps.csv",
        NvidiaSmiQuery.ConfComputeStatus => "cc-status.txt",
        NvidiaSmiQuery.ConfComputeEnvironment => "cc-environment.txt",
        NvidiaSmiQuery.ConfComputeDevTools => "cc-devtools.txt",
        NvidiaSmiQuery.ConfComputeReadyState => "cc-ready.txt",
        NvidiaSmiQuery.UtilizationCsv => "utilization.csv",
        _ => throw new ArgumentOutOfRangeException(nameof(query)),
    };

    /// <summary>
    /// The nvidia-smi to use for <paramref name="root"/>: on the live host the tool when it is on PATH; in a scanned tree
    /// the outputs recorded under <see cref="RecordedNvidiaSmi.TreePath"/> (a tree's own binaries are never run). Null when neither exists.
    /// </summary>
    public static INvidiaSmi? For(HostRoot root)
    {
        if (root.IsLive) return NvidiaSmiProcess.Find() is { } path ? new NvidiaSmiProcess(path) : null;
        var recorded = root.ResolveInRoot(RecordedNvidiaSmi.TreePath);
        return Directory.Exists(recorded) ? new RecordedNvidiaSmi(recorded) : null;
    }
}
