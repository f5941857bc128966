namespace WeightGuard.Core.Evidence;

/// <summary>NVIDIA GPUs on the host, as nvidia-smi, the driver's procfs files and the device nodes show them.</summary>
public sealed record GpuEvidence
{
    /// <summary>An NVIDIA display or 3D controller is on the PCI bus, or the NVIDIA driver is loaded.</summary>
    public required bool Present { get; init; }
    /// <summary>PCI addresses of NVIDIA GPUs found in sysfs.</summary>
    public IReadOnlyList<string> PciDevices { get; init; } = [];
    /// <summary>The loaded kernel driver's version (<c>/proc/driver/nvidia/version</c>, else nvidia-smi).</summary>
    public string? DriverVersion { get; init; }
    /// <summary>The CUDA version the driver supports, from nvidia-smi.</summary>
    public string? CudaVersion { get; init; }
    /// <summary>Where the nvidia-smi facts came from: <c>nvidia-smi</c> (run on this host), <c>recorded</c> (outputs in the scanned tree) or null (not available).</summary>
    public string? NvidiaSmiSource { get; init; }
    /// <summary>Each GPU nvidia-smi reports.</summary>
    public IReadOnlyList<NvidiaGpu> Gpus { get; init; } = [];
    /// <summary>System-wide confidential-computing state (<c>nvidia-smi conf-compute</c>), or null when it could not be asked.</summary>
    public ConfidentialComputingState? ConfidentialComputing { get; init; }
    /// <summary>The <c>/dev/nvidia*</c> device nodes (and <c>/dev/nvidia-caps/*</c>).</summary>
    public IReadOnlyList<GpuDeviceNode> DeviceNodes { get; init; } = [];
    /// <summary>Security-relevant parameters of the loaded driver (<c>/proc/driver/nvidia/params</c>), or null when not loaded.</summary>
    public NvidiaDriverParameters? DriverParameters { get; init; }
    /// <summary><c>options nvidia…</c> lines in <c>/etc/modprobe.d</c> and <c>/usr/lib/modprobe.d</c>.</summary>
    public IReadOnlyList<ModprobeOption> ModprobeOptions { get; init; } = [];
    /// <summary>Processes holding GPU memory, with the account each runs as.</summary>
    public IReadOnlyList<GpuProcess> Processes { get; init; } = [];
    /// <summary>What could not be read or run.</summary>
    public IReadOnlyList<PathError> Errors { get; init; } = [];
}

/// <summary>One GPU as nvidia-smi reports it.</summary>
public sealed record NvidiaGpu
{
    /// <summary>nvidia-smi's index (or the minor number).</summary>
    public required int Index { get; init; }
    /// <summary>Product name, e.g. <c>NVIDIA H100 80GB HBM3</c>.</summary>
    public required string Name { get; init; }
    /// <summary>GPU UUID.</summary>
    public required string Uuid { get; init; }
    /// <summary>PCI bus id.</summary>
    public required string PciBusId { get; init; }
    /// <summary>Architecture (Hopper, Ampere…), when reported.</summary>
    public string? Architecture { get; init; }
    /// <summary>VBIOS version.</summary>
    public string? VbiosVersion { get; init; }
    /// <summary><c>Enabled</c>, <c>Disabled</c> or <c>N/A</c>.</summary>
    public string? PersistenceMode { get; init; }
    /// <summary>ECC mode in force: <c>Enabled</c>, <c>Disabled</c> or <c>N/A</c> (no ECC memory).</summary>
    public string? EccCurrent { get; init; }
    /// <summary>ECC mode after the next reset.</summary>
    public string? EccPending { get; init; }
    /// <summary>MIG mode in force.</summary>
    public string? MigCurrent { get; init; }
    /// <summary>MIG mode after the next reset.</summary>
    public string? MigPending { get; init; }
    /// <summary>Compute mode (<c>Default</c>, <c>Exclusive_Process</c>, <c>Prohibited</c>).</summary>
    public string? ComputeMode { get; init; }
}

/// <summary>What <c>nvidia-smi conf-compute</c> reports for the system.</summary>
public sealed record ConfidentialComputingState
{
    /// <summary>False when nvidia-smi answers "No CC capable devices found".</summary>
    public required bool Capable { get; init; }
    /// <summary>CC feature: <c>ON</c> or <c>OFF</c> (<c>-f</c>).</summary>
    public string? Status { get; init; }
    /// <summary><c>PRODUCTION</c>, <c>SIMULATION</c>, <c>UNAVAILABLE</c>… (<c>-e</c>).</summary>
    public string? Environment { get; init; }
    /// <summary>DevTools mode: <c>ON</c> means CC on but debuggable (<c>-d</c>).</summary>
    public string? DevToolsMode { get; init; }
    /// <summary>GPUs accept work: <c>ready</c> or <c>not-ready</c> (<c>-grs</c>).</summary>
    public string? ReadyState { get; init; }
}

/// <summary>An NVIDIA device node.</summary>
/// <param name="Path">e.g. <c>/dev/nvidia0</c>.</param>
/// <param name="Kind"><c>gpu</c> (nvidiaN), <c>control</c> (nvidiactl), <c>uvm</c>, <c>uvm-tools</c>, <c>modeset</c>, <c>capability</c> or <c>other</c>.</param>
/// <param name="Mode">Permission bits in octal.</param>
/// <param name="Owner">Owner account name.</param>
/// <param name="Group">Group name.</param>
/// <param name="WorldAccessible">Others may open it for reading or writing.</param>
public sealed record GpuDeviceNode(string Path, string Kind, string Mode, string Owner, string Group, bool WorldAccessible);

/// <summary>Parameters of the loaded NVIDIA kernel module that decide who may use the GPU and its profiler.</summary>
public sealed record NvidiaDriverParameters
{
    /// <summary><c>RmProfilingAdminOnly</c> (set by <c>NVreg_RestrictProfilingToAdminUsers</c>): only admins may use performance counters.</summary>
    public bool? ProfilingAdminOnly { get; init; }
    /// <summary><c>ModifyDeviceFiles</c>: the driver (re)creates device nodes with the mode below.</summary>
    public bool? ModifyDeviceFiles { get; init; }
    /// <summary><c>DeviceFileMode</c> in octal (<c>0666</c> by default).</summary>
    public string? DeviceFileMode { get; init; }
    /// <summary><c>DeviceFileUID</c>.</summary>
    public long? DeviceFileUid { get; init; }
    /// <summary><c>DeviceFileGID</c>.</summary>
    public long? DeviceFileGid { get; init; }
}

/// <summary>A module option from modprobe configuration.</summary>
/// <param name="Module">The module, e.g. <c>nvidia</c>.</param>
/// <param name="Name">Option name, e.g. <c>NVreg_RestrictProfilingToAdminUsers</c>.</param>
/// <param name="Value">Its value.</param>
/// <param name="Source"><c>file:line</c>.</param>
public sealed record ModprobeOption(string Module, string Name, string Value, string Source);

/// <summary>A process with GPU memory.</summary>
/// <param name="Pid">Process id.</param>
/// <param name="ProcessName">Its name as nvidia-smi shows it.</param>
/// <param name="GpuUuid">The GPU it uses.</param>
/// <param name="UsedMemoryMiB">GPU memory it holds, MiB, when reported.</param>
/// <param name="User">The account it runs as (from <c>/proc/PID/status</c>), or null when unknown.</param>
public sealed record GpuProcess(long Pid, string ProcessName, string GpuUuid, long? UsedMemoryMiB, string? User);
