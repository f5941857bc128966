using Moq;
using WeightGuard.Collectors.Access;
using WeightGuard.Collectors.Gpu;

namespace WeightGuard.Collectors.Tests.Gpu;

/// <summary>The GPU collector on host trees laid out from the real H100 recording, and on a host without a GPU.</summary>
public class NvidiaGpuCollectorTests
{
    private static readonly AccountDatabase Accounts = AccountDatabase.Parse("root:x:0:0:root:/root:/bin/bash\n", "root:x:0:\nvideo:x:44:\n");

    [Test]
    public void Recorded_H100_host_is_present_with_cc_off_and_open_device_nodes()
    {
        using var tree = H100Recording.AddTo(new HostTree());
        var gpu = new NvidiaGpuCollector(tree.HostRoot, NvidiaSmiQueries.For(tree.HostRoot), Accounts).Collect();
        Assert.Multiple(() =>
        {
            Assert.That(gpu.Present, Is.True);
            Assert.That(gpu.Errors, Is.Empty);
            Assert.That(gpu.PciDevices, Is.EqualTo(new[] { "0000:00:06.0" }));
            Assert.That(gpu.NvidiaSmiSource, Is.EqualTo("recorded"));
            Assert.That(gpu.DriverVersion, Is.EqualTo("580.159.04"));
            Assert.That(gpu.Gpus.Single().Uuid, Is.EqualTo("GPU-306794c2-1429-dd65-efd8-2308cb59edce"));
            Assert.That(gpu.ConfidentialComputing!.Status, Is.EqualTo("OFF"));
            Assert.That(gpu.DriverParameters!.ProfilingAdminOnly, Is.False);
            Assert.That(gpu.Processes, Is.Empty);
            // nvidia0, nvidiactl and both uvm nodes were 0666 on the recorded host; cap1 0400 and cap2 0444
            Assert.That(gpu.DeviceNodes.Where(n => n.WorldAccessible).Select(n => n.Path),
                Is.EquivalentTo(new[] { "/dev/nvidia0", "/dev/nvidiactl", "/dev/nvidia-uvm", "/dev/nvidia-uvm-tools", "/dev/nvidia-caps/nvidia-cap2" }));
            Assert.That(gpu.DeviceNodes.Single(n => n.Path == "/dev/nvidia-caps/nvidia-cap1"), Has.Property("Kind").EqualTo("capability").And.Property("Mode").EqualTo("0400"));
            Assert.That(gpu.DeviceNodes.Single(n => n.Path == "/dev/nvidia0").Kind, Is.EqualTo("gpu"));
        });
    }

    [Test]
    public void Derived_cc_on_recording_reads_as_on_production_and_ready()
    {
        using var tree = H100Recording.AddTo(new HostTree(), ccOn: true);
        var cc = new NvidiaGpuCollector(tree.HostRoot, NvidiaSmiQueries.For(tree.HostRoot), Accounts).Collect().ConfidentialComputing!;
        Assert.That((cc.Status, cc.Environment, cc.DevToolsMode, cc.ReadyState), Is.EqualTo(("ON", "PRODUCTION", "OFF", "ready")));
    }

    [Test]
    public void Restricted_profiling_in_modprobe_and_process_users_are_reported()
    {
        using var tree = H100Recording.AddTo(new HostTree());
        tree.File("/etc/modprobe.d/nvidia-hardening.conf", "options nvidia NVreg_RestrictProfilingToAdminUsers=1\n")
            .File("/proc/4242/comm", "python3\n").File("/proc/4242/status", "Name:\tpython3\nUid:\t0\t0\t0\t0\n")
            .File(RecordedNvidiaSmi.TreePath + "/compute-apps.csv", "4242, python3, GPU-306794c2-1429-dd65-efd8-2308cb59edce, 70000\n");
        var gpu = new NvidiaGpuCollector(tree.HostRoot, NvidiaSmiQueries.For(tree.HostRoot), Accounts).Collect();
        Assert.That(gpu.ModprobeOptions.Single().Name, Is.EqualTo("NVreg_RestrictProfilingToAdminUsers"));
        Assert.That(gpu.Processes.Single(), Has.Property("User").EqualTo("root").And.Property("UsedMemoryMiB").EqualTo(70000));
    }

    [Test]
    public void Host_without_gpu_is_not_present_and_not_an_error()
    {
        // nvidia-smi cannot run on this machine, so its answer on a GPU-less host is given by a mock.
        var smi = new Mock<INvidiaSmi>();
        smi.Setup(s => s.Run(NvidiaSmiQuery.QueryXml)).Returns(new NvidiaSmiOutput(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver."));
        smi.Setup(s => s.Run(NvidiaSmiQuery.QueryGpuCsv)).Returns(new NvidiaSmiOutput(9, ""));
        using var tree = new HostTree();
        tree.File("/sys/bus/pci/devices/0000:00:01.0/vendor", "0x8086\n").File("/sys/bus/pci/devices/0000:00:01.0/class", "0x030000\n");
        var gpu = new NvidiaGpuCollector(tree.HostRoot, smi.Object, Accounts).Collect();
        Assert.That(gpu.Present, Is.False);
        Assert.That(gpu.Gpus, Is.Empty);
        smi.Verify(s => s.Run(NvidiaSmiQuery.ConfComputeStatus), Times.Never);
        Assert.That(new NvidiaGpuCollector(tree.HostRoot, null, Accounts).Collect(), Has.Property("Present").False.And.Property("Errors").Empty);
    }

    [Test]
    public void Gpu_on_the_bus_without_nvidia_smi_is_present_with_the_reason()
    {
        using var tree = new HostTree();
        tree.File("/sys/bus/pci/devices/0000:00:06.0/vendor", "0x10de\n").File("/sys/bus/pci/devices/0000:00:06.0/class", "0x030200\n");
        var gpu = new NvidiaGpuCollector(tree.HostRoot, null, Accounts).Collect();
        Assert.That(gpu.Present, Is.True);
        Assert.That(gpu.ConfidentialComputing, Is.Null);
        Assert.That(gpu.Errors.Single().Reason, Does.Contain("not installed"));
    }

    [Test]
    public void Broken_xml_falls_back_to_csv_and_says_why()
    {
        using var tree = H100Recording.AddTo(new HostTree());
        tree.File(RecordedNvidiaSmi.TreePath + "/query.xml", "<nvidia_smi_log><gpu>");
        var gpu = new NvidiaGpuCollector(tree.HostRoot, NvidiaSmiQueries.For(tree.HostRoot), Accounts).Collect();
        Assert.That(gpu.Gpus.Single().EccCurrent, Is.EqualTo("Enabled"));
        Assert.That(gpu.Errors.Single().Path, Is.EqualTo("nvidia-smi -q -x"));
    }

    [Test]
    public void Live_host_uses_nvidia_smi_only_when_installed()
    {
        var smi = NvidiaSmiQueries.For(HostRoot.Live);
        Assert.That(smi is null, Is.EqualTo(NvidiaSmiProcess.Find() is null));
    }
}
