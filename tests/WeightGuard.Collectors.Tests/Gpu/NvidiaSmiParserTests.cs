using WeightGuard.Collectors.Gpu;

namespace WeightGuard.Collectors.Tests.Gpu;

/// <summary>nvidia-smi parsers on outputs recorded on a real H100 host (see <see cref="H100Recording"/>), and on bad input.</summary>
public class NvidiaSmiParserTests
{
    [Test]
    public void Xml_from_a_real_H100_gives_driver_and_gpu_state()
    {
        var log = NvidiaSmiXmlParser.Parse(H100Recording.Read("query.xml"));
        Assert.Multiple(() =>
        {
            Assert.That(log.DriverVersion, Is.EqualTo("580.159.04"));
            Assert.That(log.CudaVersion, Is.EqualTo("13.0"));
            Assert.That(log.Gpus, Has.Count.EqualTo(1));
            var gpu = log.Gpus[0];
            Assert.That(gpu.Name, Is.EqualTo("NVIDIA H100 80GB HBM3"));
            Assert.That(gpu.Architecture, Is.EqualTo("Hopper"));
            Assert.That(gpu.PciBusId, Is.EqualTo("00000000:00:06.0"));
            Assert.That(gpu.EccCurrent, Is.EqualTo("Enabled"));
            Assert.That(gpu.MigPending, Is.EqualTo("Disabled"));
            Assert.That(gpu.ComputeMode, Is.EqualTo("Default"));
        });
    }

    [Test]
    public void Csv_and_xml_recorded_on_the_same_host_agree()
    {
        var xml = NvidiaSmiXmlParser.Parse(H100Recording.Read("query.xml"));
        var (gpus, driver) = NvidiaSmiCsvParser.ParseGpus(H100Recording.Read("query-gpu.csv"));
        Assert.That(driver, Is.EqualTo(xml.DriverVersion));
        Assert.That(gpus, Has.Count.EqualTo(xml.Gpus.Count));
        var (c, x) = (gpus[0], xml.Gpus[0]);
        Assert.That(new[] { c.Name, c.Uuid, c.PciBusId, c.VbiosVersion, c.PersistenceMode, c.EccCurrent, c.EccPending, c.MigCurrent },
            Is.EqualTo(new[] { x.Name, x.Uuid, x.PciBusId, x.VbiosVersion, x.PersistenceMode, x.EccCurrent, x.EccPending, x.MigCurrent }));
    }

    [Test]
    public void Empty_compute_apps_means_no_process_holds_gpu_memory()
    {
        Assert.That(NvidiaSmiCsvParser.ParseComputeApps(H100Recording.Read("compute-apps.csv")), Is.Empty);
        var apps = NvidiaSmiCsvParser.ParseComputeApps("4242, /usr/bin/python3, GPU-306794c2-1429-dd65-efd8-2308cb59edce, 1234\n");
        Assert.That(apps.Single(), Is.EqualTo(new WeightGuard.Core.Evidence.GpuProcess(4242, "/usr/bin/python3", "GPU-306794c2-1429-dd65-efd8-2308cb59edce", 1234, null)));
    }

    [Test]
    public void Conf_compute_answers_of_the_real_H100_say_capable_but_off()
    {
        var r = (string name) => new NvidiaSmiOutput(0, H100Recording.Read(name));
        var cc = ConfComputeParser.Parse(r("cc-status.txt"), r("cc-environment.txt"), r("cc-devtools.txt"), r("cc-ready.txt"));
        Assert.That((cc.Capable, cc.Status, cc.Environment, cc.DevToolsMode, cc.ReadyState),
            Is.EqualTo((true, "OFF", "UNAVAILABLE", "OFF", "not-ready")));
    }

    [Test]
    public void No_cc_capable_devices_with_exit_6_means_not_capable()
    {
        var none = new NvidiaSmiOutput(6, "No CC capable devices found\n");
        var cc = ConfComputeParser.Parse(none, none, none, none);
        Assert.That(cc.Capable, Is.False);
        Assert.That(cc.Status, Is.Null);
    }

    [Test]
    public void Conf_compute_failure_for_another_reason_is_an_error_naming_the_option()
    {
        var ok = new NvidiaSmiOutput(0, "CC status: ON\n");
        var broken = new NvidiaSmiOutput(9, "NVIDIA-SMI has failed because it couldn't communicate with the NVIDIA driver.");
        var e = Assert.Throws<InvalidDataException>(() => ConfComputeParser.Parse(ok, broken, ok, ok));
        Assert.That(e!.Message, Does.Contain("-e exited 9"));
        e = Assert.Throws<InvalidDataException>(() => ConfComputeParser.Parse(new NvidiaSmiOutput(0, "garbage"), ok, ok, ok));
        Assert.That(e!.Message, Does.Contain("no 'CC status:' line"));
    }

    [Test]
    public void Driver_files_of_the_real_H100()
    {
        var p = NvidiaDriverFiles.ParseParams(H100Recording.Read("driver-params.txt"));
        Assert.That((p.ProfilingAdminOnly, p.ModifyDeviceFiles, p.DeviceFileMode, p.DeviceFileUid, p.DeviceFileGid),
            Is.EqualTo(((bool?)false, (bool?)true, "0666", (long?)0, (long?)0)));
        Assert.That(NvidiaDriverFiles.ParseVersion(H100Recording.Read("driver-version.txt")), Is.EqualTo("580.159.04"));
    }

    [Test]
    public void Modprobe_options_for_nvidia_modules_with_continuations()
    {
        var text = "# comment\noptions nvidia NVreg_RestrictProfilingToAdminUsers=1 \\\n  NVreg_DeviceFileMode=0660\noptions snd_hda power_save=1\noptions nvidia_uvm uvm_disable_hmm=1\n";
        var o = NvidiaDriverFiles.ParseModprobe(text, "/etc/modprobe.d/nvidia.conf").ToList();
        Assert.That(o.Select(x => $"{x.Module} {x.Name}={x.Value} {x.Source}"), Is.EqualTo(new[]
        {
            "nvidia NVreg_RestrictProfilingToAdminUsers=1 /etc/modprobe.d/nvidia.conf:3",
            "nvidia NVreg_DeviceFileMode=0660 /etc/modprobe.d/nvidia.conf:3",
            "nvidia_uvm uvm_disable_hmm=1 /etc/modprobe.d/nvidia.conf:5",
        }));
    }

    [Test]
    public void Garbage_xml_is_an_error_with_line_and_position()
    {
        var e = Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse("<nvidia_smi_log><gpu id='x'><uuid>U</uuid></gpu"));
        Assert.That(e!.Message, Does.Match("line 1, position \\d+"));
        e = Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse("\u0000\u0001binary"));
        Assert.That(e!.Message, Does.StartWith("nvidia-smi XML: line 1"));
    }

    [Test]
    public void Truncated_real_xml_is_an_error_not_a_partial_answer()
    {
        var xml = H100Recording.Read("query.xml");
        var e = Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse(xml[..(xml.Length / 2)]));
        Assert.That(e!.Message, Does.Contain("line"));
    }

    [Test]
    public void Wrong_root_element_and_gpu_without_uuid_are_named()
    {
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse("<html/>"))!.Message, Does.Contain("root element is <html>"));
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse("<nvidia_smi_log>\n<gpu id='a'><product_name>X</product_name></gpu></nvidia_smi_log>"))!.Message,
            Does.Contain("has no <uuid>").And.Contain("line 2"));
    }

    [Test]
    public void Entities_are_neither_expanded_nor_fetched()
    {
        // An internal-subset "billion laughs" and an external entity pointing at a local file: with the DTD ignored,
        // the references are undeclared and the document is rejected instead of growing or reading the file.
        var laughs = "<?xml version='1.0'?><!DOCTYPE nvidia_smi_log [<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>" +
                     "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'>]><nvidia_smi_log><driver_version>&c;</driver_version></nvidia_smi_log>";
        Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse(laughs));
        var external = "<?xml version='1.0'?><!DOCTYPE nvidia_smi_log [<!ENTITY x SYSTEM 'file:///etc/passwd'>]><nvidia_smi_log><driver_version>&x;</driver_version></nvidia_smi_log>";
        Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse(external));
    }

    [Test]
    public void Oversized_xml_is_refused_before_parsing()
    {
        var huge = "<nvidia_smi_log>" + new string(' ', NvidiaSmiXmlParser.MaxChars) + "</nvidia_smi_log>";
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse(huge))!.Message, Does.Contain("more than"));
    }

    [Test]
    public void Too_many_gpus_and_too_deep_nesting_are_refused()
    {
        var many = "<nvidia_smi_log>" + string.Concat(Enumerable.Range(0, NvidiaSmiXmlParser.MaxGpus + 1).Select(i => $"<gpu><uuid>G{i}</uuid></gpu>")) + "</nvidia_smi_log>";
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse(many))!.Message, Does.Contain("more than 256 <gpu>"));
        var deep = "<nvidia_smi_log><gpu>" + string.Concat(Enumerable.Repeat("<a>", 40)) + "x" + string.Concat(Enumerable.Repeat("</a>", 40)) + "</gpu></nvidia_smi_log>";
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiXmlParser.Parse(deep))!.Message, Does.Contain("deeper than 32"));
    }

    [Test]
    public void Malformed_csv_names_the_line()
    {
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiCsvParser.ParseGpus("0, a, b\n"))!.Message, Does.Contain("line 1: 3 fields, expected 10"));
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiCsvParser.ParseComputeApps("\nabc, p, GPU-1, 5\n"))!.Message, Does.Contain("line 2: pid 'abc'"));
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiCsvParser.ParseComputeApps(new string('x', NvidiaSmiCsvParser.MaxLineChars + 1)))!.Message, Does.Contain("longer than"));
        var rows = string.Concat(Enumerable.Repeat("1, p, GPU-1, 5\n", NvidiaSmiCsvParser.MaxRows + 1));
        Assert.That(Assert.Throws<InvalidDataException>(() => NvidiaSmiCsvParser.ParseComputeApps(rows))!.Message, Does.Contain("more than 4096 rows"));
    }

    [Test]
    public void Na_values_in_csv_are_normalised()
    {
        var (gpus, _) = NvidiaSmiCsvParser.ParseGpus("0, Tesla T4, GPU-1, 00000000:01:00.0, 535.0, 90.0, Disabled, [N/A], [N/A], [Not Supported]\n");
        Assert.That((gpus[0].EccCurrent, gpus[0].MigCurrent), Is.EqualTo(("N/A", "N/A")));
    }

    [Test]
    public void Recording_with_bad_exit_file_is_an_error()
    {
        using var tree = new HostTree();
        tree.File("/r/query.xml", "<nvidia_smi_log/>").File("/r/query.xml.rc", "exit=zero");
        var smi = new RecordedNvidiaSmi(tree.HostRoot.Resolve("/r"));
        Assert.That(Assert.Throws<InvalidDataException>(() => smi.Run(NvidiaSmiQuery.QueryXml))!.Message, Does.Contain("expected 'exit=N'"));
        Assert.Throws<FileNotFoundException>(() => smi.Run(NvidiaSmiQuery.ConfComputeStatus));
    }
}
