using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace WeightGuard.Testing;

/// <summary>
/// A private swtpm for a test run: its own state directory with an EK certificate issued by a fresh local CA
/// (swtpm_setup + swtpm_localca), listening on free TCP ports, killed by pid on <see cref="Dispose"/>.
/// Use <see cref="Shared"/>: one simulator per test run, because swtpm serves one client at a time.
/// </summary>
public sealed class Swtpm : IDisposable
{
    private static readonly Lock Gate = new();
    private static Swtpm? _shared;
    private static Exception? _sharedFailure;

    private readonly int _pid;

    private Swtpm(string directory, int port, int pid)
    {
        Directory = directory;
        Port = port;
        _pid = pid;
    }

    /// <summary>The run's simulator, started on first use (skips or fails the test when the tools are missing).</summary>
    public static Swtpm Shared
    {
        get
        {
            ExternalTool.Require("swtpm");
            ExternalTool.Require("swtpm_setup");
            ExternalTool.Require("swtpm_localca");
            lock (Gate)
            {
                if (_sharedFailure is not null) Assert.Fail("swtpm did not start: " + _sharedFailure.Message);
                try { return _shared ??= Start(); }
                catch (Exception e) { _sharedFailure = e; throw; }
            }
        }
    }

    /// <summary>Stops the shared simulator if one was started.</summary>
    public static void StopShared()
    {
        lock (Gate) { _shared?.Dispose(); _shared = null; }
    }

    /// <summary>Root of the simulator's files.</summary>
    public string Directory { get; }

    /// <summary>The TPM command port (the control port is <c>Port + 1</c>).</summary>
    public int Port { get; }

    /// <summary>The WeightGuard selector for this simulator.</summary>
    public string Selector => $"swtpm:127.0.0.1:{Port}";

    /// <summary>The tpm2-tools TCTI for this simulator.</summary>
    public IDictionary<string, string> TctiEnvironment =>
        new Dictionary<string, string> { ["TPM2TOOLS_TCTI"] = $"swtpm:host=127.0.0.1,port={Port}" };

    /// <summary>A directory holding the local CA's root and intermediate certificates (the "manufacturer" CAs).</summary>
    public string CaDirectory => Path.Combine(Directory, "trust");

    /// <summary>The EK certificates swtpm_setup wrote (DER), as files.</summary>
    public string EkCertDirectory => Path.Combine(Directory, "ekcerts");

    private static Swtpm Start()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("weightguard-swtpm-").FullName;
        foreach (var sub in new[] { "ca", "state", "ekcerts", "trust" }) System.IO.Directory.CreateDirectory(Path.Combine(dir, sub));
        File.WriteAllText(Path.Combine(dir, "localca.conf"),
            $"statedir = {dir}/ca\nsigningkey = {dir}/ca/signkey.pem\nissuercert = {dir}/ca/issuercert.pem\ncertserial = {dir}/ca/certserial\n");
        File.WriteAllText(Path.Combine(dir, "localca.options"),
            "--platform-manufacturer TestVendor\n--platform-version 2.1\n--platform-model TestModel\n");
        File.WriteAllText(Path.Combine(dir, "setup.conf"),
            $"create_certs_tool= {ExternalTool.Find("swtpm_localca")}\ncreate_certs_tool_config = {dir}/localca.conf\n" +
            $"create_certs_tool_options = {dir}/localca.options\nactive_pcr_banks = sha1,sha256\n");
        var setup = ExternalTool.Run("swtpm_setup", ["--tpm2", "--tpmstate", $"{dir}/state", "--config", $"{dir}/setup.conf",
            "--create-ek-cert", "--create-platform-cert", "--pcr-banks", "sha1,sha256", "--write-ek-cert-files", $"{dir}/ekcerts",
            "--overwrite"]);
        if (setup.ExitCode != 0) throw new InvalidOperationException($"swtpm_setup failed: {setup.Stderr}{setup.Stdout}");
        File.Copy(Path.Combine(dir, "ca", "swtpm-localca-rootca-cert.pem"), Path.Combine(dir, "trust", "root.pem"));
        File.Copy(Path.Combine(dir, "ca", "issuercert.pem"), Path.Combine(dir, "trust", "intermediate.pem"));

        for (var attempt = 0; ; attempt++)
        {
            var port = FreePortPair();
            var pidFile = Path.Combine(dir, "swtpm.pid");
            var run = ExternalTool.Run("swtpm", ["socket", "--tpm2", "--tpmstate", $"dir={dir}/state",
                "--server", $"type=tcp,port={port},bindaddr=127.0.0.1", "--ctrl", $"type=tcp,port={port + 1},bindaddr=127.0.0.1",
                "--flags", "not-need-init,startup-clear", "--pid", $"file={pidFile}", "-d"]);
            if (run.ExitCode == 0 && File.Exists(pidFile))
            {
                var instance = new Swtpm(dir, port, int.Parse(File.ReadAllText(pidFile).Trim()));
                instance.WaitUntilListening();
                return instance;
            }
            if (attempt == 4) throw new InvalidOperationException($"swtpm socket failed: {run.Stderr}");
        }
    }

    /// <summary>Two consecutive free ports (swtpm's server and control ports).</summary>
    private static int FreePortPair()
    {
        while (true)
        {
            var first = new TcpListener(IPAddress.Loopback, 0);
            first.Start();
            var port = ((IPEndPoint)first.LocalEndpoint).Port;
            try
            {
                if (port >= 65534) continue;
                var second = new TcpListener(IPAddress.Loopback, port + 1);
                try { second.Start(); second.Stop(); return port; }
                catch (SocketException) { }
            }
            finally { first.Stop(); }
        }
    }

    /// <summary>swtpm -d returns once it has daemonised; poll until its port accepts a connection.</summary>
    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException) when (deadline.Elapsed < TimeSpan.FromSeconds(10))
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>Kills the simulator by its pid and removes its files.</summary>
    public void Dispose()
    {
        try
        {
            using var process = Process.GetProcessById(_pid);
            process.Kill();
            process.WaitForExit(5000);
        }
        catch (ArgumentException) { } // already gone
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { }
    }
}
