using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>What a running aggregator is made of; <c>serve</c> fills it from the command line, tests directly.</summary>
public sealed record AggregatorSettings
{
    /// <summary>The data directory (CA, server certificate, TPM manufacturer CAs).</summary>
    public required DataDirectory Data { get; init; }
    /// <summary>The migrated store; the application disposes it on shutdown.</summary>
    public required IAggregatorStore Store { get; init; }
    /// <summary>The catalogue reports are re-judged with.</summary>
    public required Catalog Catalog { get; init; }
    /// <summary>The catalogue's files as evidence bundles carry them; null for the catalogue built in.</summary>
    public Export.CatalogFiles? CatalogFiles { get; init; }
    /// <summary>Where to listen, e.g. <c>https://0.0.0.0:8443</c>; port 0 picks a free one.</summary>
    public IReadOnlyList<string> Urls { get; init; } = ["https://0.0.0.0:8443"];
    /// <summary>Refuse enrolments without a TPM whose EK certificate chains to a manufacturer CA, and reports without a verified quote.</summary>
    public bool RequireEkCertificate { get; init; }
    /// <summary>Refuse reports without a verified quote (agents enrolled without a TPM can no longer report).</summary>
    public bool RequireAttestation { get; init; }
    /// <summary>Failed sign-ins and bearer-token checks each client address may make per minute before it gets 429.</summary>
    public int AuthenticationFailuresPerMinute { get; init; } = 10;
    /// <summary>Nonces each agent may ask for per minute.</summary>
    public int NoncesPerMinute { get; init; } = 10;
    /// <summary>Unused, unexpired nonces an agent may hold at once (an agent uses one per report).</summary>
    public int MaxOutstandingNonces { get; init; } = 3;
    /// <summary>Enrolment requests each client address may make per <see cref="EnrollmentWindow"/>.</summary>
    public int EnrollmentPermits { get; init; } = 10;
    /// <summary>The window of the enrolment rate limit.</summary>
    public TimeSpan EnrollmentWindow { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>The clock (nonce and token expiry).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
    /// <summary>Where alerts go and how often hosts are swept (the <c>alerts</c> section of <c>aggregator.json</c>).</summary>
    public Alerts.AlertSettings Alerts { get; init; } = Aggregator.Alerts.AlertSettings.None;
    /// <summary>This instance's name in logs and the <c>X-WeightGuard-Instance</c> response header (see <see cref="Hosting.InstanceName"/>).</summary>
    public string InstanceName { get; init; } = Hosting.InstanceName.Default;
    /// <summary>The least severe log level written.</summary>
    public LogLevel MinimumLogLevel { get; init; } = LogLevel.Information;
}
