using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace WeightGuard.Aggregator.Tests.ScaleOut;

/// <summary>
/// One real <c>weightguard-aggregator serve --instance-name NAME</c> process on a data directory and a fixed loopback
/// port, stoppable (SIGTERM) and restartable on both; its output is kept for failure messages.
/// </summary>
internal sealed class ServeProcess : IDisposable
{
    /// <summary>The program, built beside the tests (as <see cref="CommandLineTests"/> runs it).</summary>
    public static string Program => Path.Combine(AppContext.BaseDirectory, "weightguard-aggregator.dll");

    /// <summary>Generous: the deadline only guards against a hang, it measures nothing.</summary>
    private static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(2);

    private readonly string _data;
    private readonly X509Certificate2 _ca;
    private readonly StringBuilder _output = new();
    private Process? _process;

    public ServeProcess(string name, string data)
    {
        Name = name;
        _data = data;
        _ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(data, "ca.crt"));
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Address = new Uri($"https://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        listener.Stop();
    }

    /// <summary>The instance name it serves under.</summary>
    public string Name { get; }

    public Uri Address { get; }

    /// <summary>Everything the process wrote, over every start.</summary>
    public string Output
    {
        get { lock (_output) return _output.ToString(); }
    }

    /// <summary>A client trusting the aggregator's CA (see <see cref="AggregatorClients.Create"/>).</summary>
    public HttpClient Client(X509Certificate2? clientCertificate = null, string? bearer = null, CookieContainer? cookies = null) =>
        AggregatorClients.Create(Address, _ca, clientCertificate, bearer, cookies);

    /// <summary>Starts <c>serve</c> and returns once it answers.</summary>
    public async Task StartAsync()
    {
        Assert.That(_process, Is.Null, "already serving");
        var start = new ProcessStartInfo("dotnet")
        {
            ArgumentList = { Program, "serve", "--data", _data, "--urls", Address.ToString().TrimEnd('/'), "--instance-name", Name },
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + Program);
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = Client();
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited) Assert.Fail($"serve {Name} exited with {_process.ExitCode}: {Output}");
            if (clock.Elapsed > StartDeadline) Assert.Fail($"serve {Name} did not answer within {StartDeadline.TotalSeconds:0}s: {Output}");
            try
            {
                using var response = await client.GetAsync("api/v1/ca");
                if (response.IsSuccessStatusCode) return;
            }
            catch (HttpRequestException) { }
            await Task.Delay(100); // a polling period, not a timing assumption
        }
    }

    /// <summary>Stops <c>serve</c> as systemd or a container runtime does (SIGTERM) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        if (_process is null) return;
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        using var deadline = new CancellationTokenSource(StartDeadline);
        try { await _process.WaitForExitAsync(deadline.Token); }
        catch (OperationCanceledException) { _process.Kill(); }
        _process.Dispose();
        _process = null;
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_output) _output.AppendLine(line);
    }

    public void Dispose()
    {
        if (_process is { HasExited: false }) _process.Kill();
        _process?.Dispose();
        _ca.Dispose();
    }
}
