using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using System.Security.Cryptography.X509Certificates;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// A real aggregator in this process: a fresh data directory, SQLite or PostgreSQL, Kestrel on a free loopback port with
/// its own TLS certificate; clients validate it against its CA as an enrolled agent does.
/// </summary>
internal sealed class TestAggregator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly string _directory;

    private TestAggregator(WebApplication app, string directory, DataDirectory data, IAggregatorStore store, ManualClock clock, Uri address, string adminToken,
        string database)
    {
        Database = database;
        _app = app;
        _directory = directory;
        Data = data;
        Store = store;
        Clock = clock;
        Address = address;
        AdminToken = adminToken;
        CaCertificate = data.LoadCaCertificate();
    }

    public DataDirectory Data { get; }
    public IAggregatorStore Store { get; }
    public ManualClock Clock { get; }
    public Uri Address { get; }
    public string AdminToken { get; }
    public X509Certificate2 CaCertificate { get; }
    /// <summary>The database location (<c>sqlite:PATH</c> or <c>postgres:…</c>).</summary>
    public string Database { get; }

    /// <summary>The application's services (its singletons: the evidence export, the throttles).</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Every route the application maps.</summary>
    public IEnumerable<Microsoft.AspNetCore.Routing.RouteEndpoint> Endpoints =>
        ((Microsoft.AspNetCore.Routing.IEndpointRouteBuilder)_app).DataSources.SelectMany(d => d.Endpoints).OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>();

    /// <summary>
    /// Starts an aggregator judging with <paramref name="catalog"/> (the built-in one by default); <paramref name="tpmCaDirectory"/>
    /// is copied to its manufacturer CA directory.
    /// </summary>
    /// <param name="configure">Changes the settings further (limits, policy flags).</param>
    public static async Task<TestAggregator> StartAsync(string? tpmCaDirectory = null, bool requireEkCertificate = false, int enrollmentPermits = 1000,
        Func<string, string>? database = null, Func<AggregatorSettings, AggregatorSettings>? configure = null, Core.Catalog.Catalog? catalog = null)
    {
        var directory = Directory.CreateTempSubdirectory("weightguard-aggregator-").FullName;
        var data = new DataDirectory(Path.Combine(directory, "data"));
        var location = database?.Invoke(directory) ?? "sqlite:" + Path.Combine(directory, "aggregator.db");
        data.Initialize(location, [], DateTimeOffset.UtcNow);
        if (tpmCaDirectory is not null)
            foreach (var file in Directory.GetFiles(tpmCaDirectory))
                File.Copy(file, Path.Combine(data.TpmCaDirectory, Path.GetFileName(file)));
        var store = DatabaseLocation.Open(location);
        await store.MigrateAsync();
        var clock = new ManualClock();
        var admin = await ApiTokens.CreateAsync(store, "test admin", Roles.Admin, clock.GetUtcNow());
        var settings = new AggregatorSettings
        {
            Data = data, Store = store, Catalog = catalog ?? TestReports.Catalog, Urls = ["https://127.0.0.1:0"], Time = clock,
            RequireEkCertificate = requireEkCertificate, EnrollmentPermits = enrollmentPermits, EnrollmentWindow = TimeSpan.FromHours(1),
            MinimumLogLevel = LogLevel.Warning,
        };
        var app = AggregatorApp.Build(configure?.Invoke(settings) ?? settings);
        await app.StartAsync();
        var address = new Uri(AggregatorApp.Addresses(app).Single());
        return new TestAggregator(app, directory, data, store, clock, address, admin, location);
    }

    /// <summary>
    /// An HTTP client that trusts only this aggregator's CA and presents <paramref name="clientCertificate"/>, if any; with
    /// <paramref name="cookies"/> it keeps cookies there and does not follow redirects, as a test of a browser's view needs.
    /// </summary>
    public HttpClient Client(X509Certificate2? clientCertificate = null, string? bearer = null, System.Net.CookieContainer? cookies = null) =>
        AggregatorClients.Create(Address, CaCertificate, clientCertificate, bearer, cookies);

    /// <summary>A new enrolment token.</summary>
    public async Task<string> EnrollmentTokenAsync(int uses = 1, TimeSpan? lifetime = null) =>
        (await EnrollmentTokens.CreateAsync(Store, CaCertificate.RawData, lifetime ?? TimeSpan.FromHours(1), uses, Clock.GetUtcNow())).ToString();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        CaCertificate.Dispose();
        try { Directory.Delete(_directory, recursive: true); }
        catch (IOException) { }
    }
}
