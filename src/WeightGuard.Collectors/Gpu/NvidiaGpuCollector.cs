using WeightGuard.Collectors.Access;
using WeightGuard.Collectors.Native;
using WeightGuard.Collectors.Platform;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Collectors.Gpu;

/// <summary>
/// Collects NVIDIA GPU evidence: PCI devices from sysfs, the driver's version and parameters from procfs, modprobe
/// options, device-node modes, and (through <see cref="INvidiaSmi"/>) each GPU's state, confidential computing and the
/// processes holding GPU memory. A host without an NVIDIA GPU yields <c>Present = false</c>, which GPU controls treat as
/// not applicable.
/// </summary>
/// <param name="root">The host root.</param>
/// <param name="nvidiaSmi">How to ask nvidia-smi, or null when it is not available.</param>
/// <param name="accounts">Accounts, to name device-node owners and the users of GPU processes.</param>
public sealed class NvidiaGpuCollector(HostRoot root, INvidiaSmi? nvidiaSmi, AccountDatabase accounts)
{
    private const string NvidiaVendor = "0x10de";
    private const int MaxEntries = 4096;
    private static readonly string[] ModprobeDirs = ["/etc/modprobe.d", "/run/modprobe.d", "/usr/local/lib/modprobe.d", "/usr/lib/modprobe.d", "/lib/modprobe.d"];
    private readonly List<PathError> _errors = [];

    /// <summary>Collects GPU evidence. Problems with one source are listed in <see cref="GpuEvidence.Errors"/>; the rest is still collected.</summary>
    public GpuEvidence Collect()
    {
        var pci = PciGpus();
        var driverLoaded = Directory.Exists(root.Resolve("/proc/driver/nvidia"));
        var driverVersion = Read("/proc/driver/nvidia/version") is { } v ? NvidiaDriverFiles.ParseVersion(v) : null;
        var parameters = Read("/proc/driver/nvidia/params") is { } p ? Guard("/proc/driver/nvidia/params", () => NvidiaDriverFiles.ParseParams(p)) : null;
        var nodes = DeviceNodes();
        NvidiaSmiLog? log = null;
        ConfidentialComputingState? cc = null;
        IReadOnlyList<GpuProcess> processes = [];
        var present = pci.Count > 0 || driverLoaded || nodes.Any(n => n.Kind == "gpu");
        if (nvidiaSmi is not null)
        {
            log = QueryGpus(nvidiaSmi);
            present |= log is { Gpus.Count: > 0 };
            if (present)
            {
                cc = Guard("nvidia-smi conf-compute", () => ConfComputeParser.Parse(
                    nvidiaSmi.Run(NvidiaSmiQuery.ConfComputeStatus), nvidiaSmi.Run(NvidiaSmiQuery.ConfComputeEnvironment),
                    nvidiaSmi.Run(NvidiaSmiQuery.ConfComputeDevTools), nvidiaSmi.Run(NvidiaSmiQuery.ConfComputeReadyState)));
                processes = Guard("nvidia-smi --query-compute-apps", () => WithUsers(Csv(nvidiaSmi.Run(NvidiaSmiQuery.ComputeAppsCsv), "--query-compute-apps", NvidiaSmiCsvParser.ParseComputeApps))) ?? [];
            }
        }
        else if (present)
        {
            _errors.Add(new PathError("nvidia-smi", "not installed: GPU state, confidential computing and ECC cannot be read"));
        }
        return new GpuEvidence
        {
            Present = present,
            PciDevices = pci,
            DriverVersion = driverVersion ?? log?.DriverVersion,
            CudaVersion = log?.CudaVersion,
            NvidiaSmiSource = log is null ? null : nvidiaSmi!.Source,
            Gpus = log?.Gpus ?? [],
            ConfidentialComputing = cc,
            DeviceNodes = nodes,
            DriverParameters = parameters,
            ModprobeOptions = ModprobeOptions(),
            Processes = processes,
            Errors = _errors,
        };
    }

    /// <summary>The XML query; its CSV counterpart when the XML cannot be had or read.</summary>
    private NvidiaSmiLog? QueryGpus(INvidiaSmi smi)
    {
        var xml = Guard("nvidia-smi -q -x", () =>
        {
            var output = smi.Run(NvidiaSmiQuery.QueryXml);
            if (output.ExitCode != 0) throw new InvalidDataException($"exited {output.ExitCode}: {Clip(output.Stdout)}");
            return NvidiaSmiXmlParser.Parse(output.Stdout);
        });
        if (xml is not null) return xml;
        return Guard("nvidia-smi --query-gpu", () =>
        {
            var (gpus, driver) = Csv(smi.Run(NvidiaSmiQuery.QueryGpuCsv), "--query-gpu", NvidiaSmiCsvParser.ParseGpus);
            return new NvidiaSmiLog(driver, null, gpus);
        });
    }

    private static T Csv<T>(NvidiaSmiOutput output, string what, Func<string, T> parse) =>
        output.ExitCode == 0 ? parse(output.Stdout) : throw new InvalidDataException($"nvidia-smi {what} exited {output.ExitCode}: {Clip(output.Stdout)}");

    private IReadOnlyList<GpuProcess> WithUsers(IReadOnlyList<GpuProcess> processes)
    {
        if (processes.Count == 0) return processes;
        var table = ProcessTable.Read(root);
        return processes.Select(p => p with { User = table?.ByPid(p.Pid)?.Uid is { } uid ? accounts.UserName(uid) : null }).ToList();
    }

    /// <summary>NVIDIA display (class 0x0300) and 3D (0x0302) controllers in <c>/sys/bus/pci/devices</c>.</summary>
    private List<string> PciGpus()
    {
        var dir = root.Resolve("/sys/bus/pci/devices");
        if (!Directory.Exists(dir)) return [];
        var found = new List<string>();
        foreach (var device in Directory.EnumerateFileSystemEntries(dir).Order(StringComparer.Ordinal).Take(MaxEntries))
        {
            var name = Path.GetFileName(device);
            var vendor = Read($"/sys/bus/pci/devices/{name}/vendor", quiet: true)?.Trim();
            var cls = Read($"/sys/bus/pci/devices/{name}/class", quiet: true)?.Trim();
            if (vendor == NvidiaVendor && cls is not null && (cls.StartsWith("0x0300", StringComparison.Ordinal) || cls.StartsWith("0x0302", StringComparison.Ordinal)))
                found.Add(name);
        }
        return found;
    }

    private List<GpuDeviceNode> DeviceNodes()
    {
        var nodes = new List<GpuDeviceNode>();
        var dev = root.Resolve("/dev");
        if (!Directory.Exists(dev)) return nodes;
        var paths = Directory.EnumerateFileSystemEntries(dev, "nvidia*").Take(MaxEntries)
            .SelectMany(p => Path.GetFileName(p) == "nvidia-caps" && Directory.Exists(p) ? Directory.EnumerateFileSystemEntries(p).Take(MaxEntries) : [p])
            .Where(p => !Directory.Exists(p))
            .Order(StringComparer.Ordinal);
        foreach (var local in paths)
        {
            var hostPath = root.ToHostPath(local);
            try
            {
                var st = FileStatus.Stat(local);
                nodes.Add(new GpuDeviceNode(hostPath, NodeKind(hostPath), st.OctalMode, accounts.UserName(st.Uid), accounts.GroupName(st.Gid), (st.Permissions & 0b110) != 0));
            }
            catch (IOException e)
            {
                _errors.Add(new PathError(hostPath, e.Message));
            }
        }
        return nodes;
    }

    /// <summary>What a node gives access to, from its name.</summary>
    public static string NodeKind(string hostPath)
    {
        var name = hostPath[(hostPath.LastIndexOf('/') + 1)..];
        if (hostPath.Contains("/nvidia-caps/", StringComparison.Ordinal)) return "capability";
        return name switch
        {
            "nvidiactl" => "control",
            "nvidia-uvm" => "uvm",
            "nvidia-uvm-tools" => "uvm-tools",
            "nvidia-modeset" => "modeset",
            _ when name.Length > 6 && name[6..].All(char.IsAsciiDigit) => "gpu",
            _ => "other",
        };
    }

    private List<ModprobeOption> ModprobeOptions()
    {
        var options = new List<ModprobeOption>();
        foreach (var dir in ModprobeDirs)
        {
            var local = root.Resolve(dir);
            if (!Directory.Exists(local)) continue;
            foreach (var file in Directory.EnumerateFiles(local, "*.conf").Order(StringComparer.Ordinal).Take(MaxEntries))
            {
                var hostPath = $"{dir}/{Path.GetFileName(file)}";
                if (Read(hostPath) is { } text && Guard(hostPath, () => NvidiaDriverFiles.ParseModprobe(text, hostPath).ToList()) is { } found)
                    options.AddRange(found);
            }
        }
        return options;
    }

    private string? Read(string hostPath, bool quiet = false)
    {
        try
        {
            return root.ReadText(hostPath, InputKind.ConfigFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            if (!quiet) _errors.Add(new PathError(hostPath, e is UnauthorizedAccessException ? "permission denied" : e.Message));
            return null;
        }
    }

    private T? Guard<T>(string what, Func<T> get) where T : class
    {
        try
        {
            return get();
        }
        catch (Exception e) when (e is IOException or InvalidDataException or UnauthorizedAccessException)
        {
            _errors.Add(new PathError(what, e.Message));
            return null;
        }
    }

    private static string Clip(string s)
    {
        s = s.Trim();
        return s.Length > 200 ? s[..200] + "…" : s;
    }
}
