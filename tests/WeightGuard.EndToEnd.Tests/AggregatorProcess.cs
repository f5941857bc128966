using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using WeightGuard.Testing;

namespace WeightGuard.EndToEnd.Tests;

/// <summary>
/// A real <c>weightguard-aggregator</c>: <c>init</c> into a temporary data directory, then <c>serve</c> on a fixed
/// loopback port, stoppable and restartable on the same port and data. Talks to its people's API as the initial admin.
/// </summary>
internal sealed class AggregatorProcess : IDisposable
{
    private readonly string _directory;
    private readonly HttpClient _http;
    private Process? _serve;

    private AggregatorProcess(string directory, string adminToken, int port)
    {
        _directory = directory;
        Port = port;
        using var ca = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(Data, "ca.crt"));
        var trusted = X509CertificateLoader.LoadCertificate(ca.RawData);
        var handler = new SocketsHttpHandler();
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, _) =>
        {
            if (certificate is null) return false;
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(trusted);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
        };
        _http = new HttpClient(handler) { BaseAddress = Url };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", adminToken);
    }

    /// <summary>
    /// Initialises a data directory (<c>--db</c> when given, else SQLite), trusts the shared swtpm's EK CA as a TPM
    /// manufacturer (as an operator fills <c>tpm-ca/</c>), and starts serving it.
    /// </summary>
    public static AggregatorProcess Start(string? database = null)
    {
        var directory = Directory.CreateTempSubdirectory("weightguard-e2e-aggregator-").FullName;
        var data = Path.Combine(directory, "data");
        var init = Programs.RunAggregator(["init", "--data", data, .. database is null ? Array.Empty<string>() : ["--db", database]]);
        Assert.That(init.ExitCode, Is.EqualTo(0), "weightguard-aggregator init: " + init.Stderr);
        var manufacturers = Directory.CreateDirectory(Path.Combine(data, "tpm-ca")).FullName;
        foreach (var ca in Directory.GetFiles(Swtpm.Shared.CaDirectory)) File.Copy(ca, Path.Combine(manufacturers, Path.GetFileName(ca)));
        var aggregator = new AggregatorProcess(directory, Programs.LastLine(init.Stdout), FreePort());
        aggregator.Serve();
        return aggregator;
    }

    public string Data => Path.Combine(_directory, "data");

    /// <summary>The serve process's output, accumulated over restarts.</summary>
    public string LogFile => Path.Combine(_directory, "serve.log");

    public int Port { get; }

    public Uri Url => new($"https://127.0.0.1:{Port}/");

    /// <summary>Starts <c>serve</c> and waits until it answers.</summary>
    public void Serve()
    {
        Assert.That(_serve, Is.Null, "already serving");
        _serve = Programs.Start(Programs.Aggregator, LogFile, "serve", "--data", Data, "--urls", Url.ToString().TrimEnd('/'));
        Poll.Until($"the aggregator answers on {Url}", () =>
        {
            if (_serve.HasExited) Assert.Fail($"weightguard-aggregator serve exited with {_serve.ExitCode}: {File.ReadAllText(LogFile)}");
            try { return _http.GetAsync("api/v1/ca").GetAwaiter().GetResult().IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        });
    }

    /// <summary>Stops <c>serve</c> (SIGTERM, and waits for it to exit).</summary>
    public void Stop()
    {
        if (_serve is null) return;
        ExternalTool.Run("kill", ["-TERM", _serve.Id.ToString()]);
        if (!_serve.WaitForExit(TimeSpan.FromMinutes(1))) _serve.Kill();
        _serve.Dispose();
        _serve = null;
    }

    /// <summary>A new enrolment token (single use).</summary>
    public string CreateEnrollmentToken()
    {
        var created = Programs.RunAggregator("tokens", "create", "--data", Data, "--expires", "1h");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Stderr);
        return Programs.LastLine(created.Stdout);
    }

    /// <summary>GETs a people's API route as the admin; fails the test unless the answer is 200.</summary>
    public JsonElement Get(string route)
    {
        using var response = _http.GetAsync(route.TrimStart('/')).GetAwaiter().GetResult();
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), $"GET {route}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>POSTs to a people's API route as the admin and returns the status.</summary>
    public HttpStatusCode Post(string route)
    {
        using var response = _http.PostAsync(route.TrimStart('/'), null).GetAwaiter().GetResult();
        return response.StatusCode;
    }

    /// <summary>One host as the fleet list (<c>GET /api/v1/hosts</c>) shows it; fails unless it is listed exactly once.</summary>
    public JsonElement FleetHost(string agentId)
    {
        var page = Get("/api/v1/hosts");
        var hosts = page.GetProperty("hosts").EnumerateArray().Where(h => h.GetProperty("agentId").GetString() == agentId).ToList();
        Assert.That(hosts, Has.Count.EqualTo(1), $"agent {agentId} in the fleet list: {page}");
        return hosts[0];
    }

    /// <summary>The report ids the aggregator holds for one agent, oldest first.</summary>
    public IReadOnlyList<Guid> ReportIds(string agentId) =>
        Get($"/api/v1/hosts/{agentId}?history=1000").GetProperty("history").EnumerateArray()
            .Select(r => r.GetProperty("reportId").GetGuid()).Reverse().ToList();

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        Stop();
        _http.Dispose();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}
