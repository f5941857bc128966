using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using static WeightGuard.Core.Tests.Checks.CheckHarness;

namespace WeightGuard.Core.Tests.Checks;

public class GpuCheckTests
{
    private static readonly NvidiaGpu H100 = new() { Index = 0, Name = "NVIDIA H100 80GB HBM3", Uuid = "GPU-1", PciBusId = "00000000:00:06.0", EccCurrent = "Enabled" };

    private static Evidence.Evidence Gpu(Func<GpuEvidence, GpuEvidence> change) => Host() with
    {
        Gpu = change(new GpuEvidence
        {
            Present = true, DriverVersion = "580.159.04", Gpus = [H100],
            ConfidentialComputing = new ConfidentialComputingState { Capable = true, Status = "ON", Environment = "PRODUCTION", DevToolsMode = "OFF", ReadyState = "ready" },
            DeviceNodes = [new GpuDeviceNode("/dev/nvidia0", "gpu", "0660", "root", "video", false), new GpuDeviceNode("/dev/nvidia-caps/nvidia-cap2", "capability", "0444", "root", "root", true)],
            DriverParameters = new NvidiaDriverParameters { ProfilingAdminOnly = true },
        }),
    };

    [Test]
    public void Cc_on_production_ready_passes_and_each_shortfall_is_named()
    {
        var ok = Gpu(g => g);
        Assert.That(Run(new GpuConfidentialComputingCheck(), ok).Status, Is.EqualTo(ControlStatus.Pass));
        var devtools = Gpu(g => g with { ConfidentialComputing = g.ConfidentialComputing! with { DevToolsMode = "ON", ReadyState = "not-ready" } });
        var outcome = Run(new GpuConfidentialComputingCheck(), devtools);
        Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(outcome.Message, Does.Contain("DevTools mode is ON").And.Contain("not-ready"));
        AssertPointersResolve(devtools, outcome);
    }

    [Test]
    public void Not_capable_is_not_applicable_unless_required()
    {
        var t4 = Gpu(g => g with { ConfidentialComputing = new ConfidentialComputingState { Capable = false } });
        Assert.That(Run(new GpuConfidentialComputingCheck(), t4).Status, Is.EqualTo(ControlStatus.NotApplicable));
        Assert.That(Run(new GpuConfidentialComputingCheck(), t4, ("require-capable", ParamValue.Of("true"))).Status, Is.EqualTo(ControlStatus.Fail));
    }

    [Test]
    public void No_gpu_is_not_applicable_for_every_gpu_kind_and_unreadable_state_is_an_error()
    {
        var none = Host() with { Gpu = new GpuEvidence { Present = false } };
        Assert.That(Run(new GpuConfidentialComputingCheck(), none).Status, Is.EqualTo(ControlStatus.NotApplicable));
        Assert.That(Run(new GpuAccessRestrictedCheck(), none).Status, Is.EqualTo(ControlStatus.NotApplicable));
        Assert.That(Run(new EveryGpuCheck(), none, ("property", ParamValue.Of("/eccCurrent")), ("values", ParamValue.Of(["Enabled"])), ("property-name", ParamValue.Of("ECC memory"))).Status, Is.EqualTo(ControlStatus.NotApplicable));
        var blind = Gpu(g => g with { ConfidentialComputing = null, Errors = [new PathError("nvidia-smi", "not installed")] });
        var outcome = Run(new GpuConfidentialComputingCheck(), blind);
        Assert.That((outcome.Status, outcome.Message), Is.EqualTo((ControlStatus.Error, "Could not check because confidential-computing state could not be read: nvidia-smi: not installed.")));
        Assert.That(Run(new GpuConfidentialComputingCheck(), Host()).Status, Is.EqualTo(ControlStatus.Error), "domain not collected");
    }

    [Test]
    public void Device_nodes_open_to_all_and_open_profiling_fail_capabilities_do_not()
    {
        Assert.That(Run(new GpuAccessRestrictedCheck(), Gpu(g => g)).Status, Is.EqualTo(ControlStatus.Pass));
        var open = Gpu(g => g with
        {
            DeviceNodes = [.. g.DeviceNodes, new GpuDeviceNode("/dev/nvidia-uvm", "uvm", "0666", "root", "root", true)],
            DriverParameters = new NvidiaDriverParameters { ProfilingAdminOnly = false },
        });
        var outcome = Run(new GpuAccessRestrictedCheck(), open);
        Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(outcome.Message, Is.EqualTo("device nodes open to every account: /dev/nvidia-uvm (0666); GPU profiling is open to all users (RmProfilingAdminOnly 0)"));
        AssertPointersResolve(open, outcome);
    }

    [Test]
    public void Every_gpu_names_the_gpus_that_differ()
    {
        var mixed = Gpu(g => g with { Gpus = [H100, H100 with { Index = 1, Uuid = "GPU-2", EccCurrent = "Disabled" }, H100 with { Index = 2, Uuid = "GPU-3", EccCurrent = null }] });
        var outcome = Run(new EveryGpuCheck(), mixed, ("property", ParamValue.Of("/eccCurrent")), ("values", ParamValue.Of(["Enabled"])), ("property-name", ParamValue.Of("ECC memory")));
        Assert.That(outcome.Status, Is.EqualTo(ControlStatus.Fail));
        Assert.That(outcome.Message, Is.EqualTo("ECC memory is not Enabled on GPU 1 (Disabled), GPU 2 (not reported)."));
        Assert.That(outcome.Evidence, Is.EqualTo(new[] { "/evidence/gpu/gpus/1/eccCurrent", "/evidence/gpu/gpus/2/eccCurrent" }));
        Assert.That(new EveryGpuCheck().Validate(new Dictionary<string, ParamValue> { ["property"] = ParamValue.Of("ecc"), ["values"] = ParamValue.Of([]) }), Has.Exactly(3).Items);
    }
}
