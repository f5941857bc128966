using System.Security.Authentication;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Attestation;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Dashboard;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Ingest;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Aggregator.Pki;
using WeightGuard.Aggregator.Problems;
using WeightGuard.Aggregator.Waivers;
using WeightGuard.Core.Protocol;
using WeightGuard.Tpm.Verification;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// Builds the aggregator: one HTTPS port where a client certificate is optional at the TLS layer (enrolment and the
/// people's API need none) and required, chained to our CA, by the agent routes.
/// </summary>
public static class AggregatorApp
{
    /// <summary>The application for these settings, not yet started.</summary>
    public static WebApplication Build(AggregatorSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(settings.MinimumLogLevel).AddFilter("Microsoft.AspNetCore", LogLevel.Warning)
            .AddSimpleConsole(console => console.IncludeScopes = true);
        var serverCertificate = settings.Data.LoadServerCertificate();
        builder.WebHost.UseKestrelHttpsConfiguration();
        builder.WebHost.UseUrls([.. settings.Urls]);
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = AgentProtocol.MaxSubmissionBytes;
            kestrel.ConfigureHttpsDefaults(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                // Any certificate is admitted to the handshake; AgentAuthentication judges it against our CA per request.
                https.ClientCertificateValidation = (_, _, _) => true;
            });
        });

        settings.Data.CreateTpmCaDirectory();
        var ca = settings.Data.LoadCa();
        var services = builder.Services;
        services.AddSingleton(settings);
        services.AddSingleton(settings.Store);
        services.AddSingleton(settings.Catalog);
        services.AddSingleton(settings.Time);
        services.AddSingleton(ca);
        services.AddSingleton<IssuedCertificates>();
        services.AddSingleton(new TpmKeyCheck(new EkCertificateValidator(settings.Data.TpmCaDirectory)));
        services.AddSingleton<AttestationRequirements>();
        services.AddSingleton<EnrollmentService>();
        services.AddSingleton<QuoteCheck>();
        services.AddSingleton<Throttles>();
        services.AddSingleton<ApiTokenVerifier>();
        services.AddSingleton<ApiTokenLifecycle>();
        services.AddSingleton<AuditLog>();
        services.AddSingleton<FleetJudge>();
        services.AddSingleton<FleetStatus>();
        services.AddSingleton<PolicyApplier>();
        services.AddSingleton<ReportIngest>();

        // Protects the dashboard's session cookies and antiforgery tokens with one key ring in the database: sessions
        // hold across restarts and on every instance.
        SharedDataProtection.Add(services, settings.Store, ca);
        services.AddProblemDetails();
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.AddAuthentication()
            .AddScheme<AuthenticationSchemeOptions, ApiTokenAuthentication>(ApiTokenAuthentication.SchemeName, null)
            .AddScheme<AuthenticationSchemeOptions, AgentAuthentication>(AgentAuthentication.SchemeName, null);
        services.AddAuthorization(options =>
        {
            Roles.AddPolicies(options);
            options.AddPolicy(AgentAuthentication.SchemeName, p => p.AddAuthenticationSchemes(AgentAuthentication.SchemeName).RequireAuthenticatedUser());
        });

        DashboardEndpoints.AddServices(services, settings);
        Alerts.AlertServices.Add(services, settings);

        var app = builder.Build();
        SharedDataProtection.EnsureKeyAsync(app.Services, CancellationToken.None).GetAwaiter().GetResult();
        app.UseInstanceName(settings.InstanceName);
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseControlCharacterGuard();
        app.UseStatusCodePages();
        app.UseAuthentication();
        app.UseAuthorization();
        EnrollmentEndpoints.Map(app);
        IngestEndpoints.Map(app);
        FleetEndpoints.Map(app);
        AdminEndpoints.Map(app);
        WaiverEndpoints.Map(app);
        PolicyEndpoints.Map(app);
        AttestationEndpoints.Map(app);
        AuditEndpoints.Map(app);
        DashboardEndpoints.Map(app);
        Alerts.AlertServices.Map(app);
        app.Lifetime.ApplicationStopped.Register(() =>
        {
            settings.Store.DisposeAsync().AsTask().GetAwaiter().GetResult();
            ca.Dispose();
            serverCertificate.Dispose();
        });
        return app;
    }

    /// <summary>The addresses a started application listens on (resolving port 0).</summary>
    public static IReadOnlyList<string> Addresses(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];
}
