namespace WeightGuard.Core.Checks.Kinds;

/// <summary>
/// Only the accounts meant to use the GPUs can open them, and only administrators can read the GPU performance counters:
/// no NVIDIA device node is open to others, and the driver runs with <c>RmProfilingAdminOnly</c>
/// (<c>NVreg_RestrictProfilingToAdminUsers=1</c>), since counters leak what other processes' kernels do.
/// </summary>
public sealed class GpuAccessRestrictedCheck : ICheck
{
    /// <inheritdoc />
    public string Kind => "gpu-access-restricted";

    /// <inheritdoc />
    public IReadOnlyList<CheckParameter> Parameters { get; } = [];

    /// <inheritdoc />
    public CheckOutcome Evaluate(CheckContext context)
    {
        if (context.Domain(e => e.Gpu, "gpu", out var gpu) is { } missing) return missing;
        if (!gpu.Present) return CheckOutcome.NotApplicable("no NVIDIA GPU on this host", EvidencePointer.To("gpu", "present"));
        if (gpu.DriverParameters?.ProfilingAdminOnly is not { } adminOnly)
            return CheckOutcome.Error("the NVIDIA driver's parameters (/proc/driver/nvidia/params) could not be read: is the driver loaded?", EvidencePointer.To("gpu", "errors"));
        if (gpu.DeviceNodes.Count == 0) return CheckOutcome.Error("no /dev/nvidia* device node could be read", EvidencePointer.To("gpu", "deviceNodes"));
        var problems = new List<string>();
        var pointers = new List<string>();
        var open = gpu.DeviceNodes.Select((n, i) => (n, i)).Where(x => x.n.WorldAccessible && x.n.Kind != "capability").ToList();
        if (open.Count > 0)
        {
            problems.Add($"device nodes open to every account: {string.Join(", ", open.Select(x => $"{x.n.Path} ({x.n.Mode})"))}");
            pointers.AddRange(open.Select(x => EvidencePointer.To("gpu", "deviceNodes", x.i)));
        }
        if (!adminOnly)
        {
            problems.Add("GPU profiling is open to all users (RmProfilingAdminOnly 0)");
            pointers.Add(EvidencePointer.To("gpu", "driverParameters", "profilingAdminOnly"));
        }
        return problems.Count == 0
            ? CheckOutcome.Pass($"{gpu.DeviceNodes.Count} NVIDIA device node(s) closed to others; profiling restricted to administrators", EvidencePointer.To("gpu", "deviceNodes"), EvidencePointer.To("gpu", "driverParameters"))
            : CheckOutcome.Fail(string.Join("; ", problems), pointers);
    }
}
