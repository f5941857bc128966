using Serilog.Events;
using WeightGuard.Agent.Spool;

namespace WeightGuard.Agent.Config;

/// <summary>The agent's configuration (<c>/etc/weightguard/agent.yaml</c>); every value has a default.</summary>
public sealed record AgentConfig
{
    /// <summary>Where the configuration lives on Linux by default.</summary>
    public const string DefaultPath = "/etc/weightguard/agent.yaml";

    /// <summary>The state directory by default.</summary>
    public const string DefaultState = "/var/lib/weightguard";

    /// <summary>The aggregator's URL; null: the one the agent enrolled with.</summary>
    public Uri? Server { get; init; }
    /// <summary>Holds <c>identity/</c>, <c>spool/</c>, <c>cache/</c> and <c>status.json</c>.</summary>
    public string State { get; init; } = DefaultState;
    /// <summary>The directory read as the host's <c>/</c>: <c>/</c> itself, or where a container mounts the node's (<c>/host</c>).</summary>
    public string Root { get; init; } = "/";
    /// <summary>The profile scans are judged against.</summary>
    public string Profile { get; init; } = "rand-sl3";
    /// <summary>Where the weights are; null: the scan's default locations.</summary>
    public IReadOnlyList<string>? Weights { get; init; }
    /// <summary>Time between scans.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromHours(1);
    /// <summary>A random 0..jitter added to each interval.</summary>
    public TimeSpan Jitter { get; init; } = TimeSpan.FromMinutes(10);
    /// <summary>The TPM selector: auto, none, device:PATH or swtpm:HOST:PORT.</summary>
    public string Tpm { get; init; } = "auto";
    /// <summary>The spool's bounds.</summary>
    public SpoolLimits Spool { get; init; } = SpoolLimits.Default;
    /// <summary>Weight hashing with a digest cache.</summary>
    public HashingConfig Hashing { get; init; } = new();
    /// <summary>Where the agent logs.</summary>
    public LogConfig Log { get; init; } = new();

    /// <summary>The spool directory.</summary>
    public string SpoolDirectory => Path.Combine(State, "spool");
    /// <summary>The weight digest cache, kept between scans when hashing is on.</summary>
    public string DigestCacheFile => Path.Combine(State, "cache", "weight-digests");
    /// <summary>The status file.</summary>
    public string StatusFile => Path.Combine(State, "status.json");
}

/// <summary>Weight hashing settings (<c>hashing:</c>).</summary>
/// <param name="Enabled">Hash weight files (with a digest cache under <c>STATE/cache/</c>).</param>
/// <param name="GpuBusyPercent">Pause hashing while any GPU is busier than this.</param>
/// <param name="Manifests">Signed weight manifests the weight files are compared with (hashing runs whenever there are any).</param>
/// <param name="ManifestSigners">Certificates (PEM or DER) of the trusted manifest signers, or of a CA they chain to.</param>
public sealed record HashingConfig(bool Enabled = false, int GpuBusyPercent = 80, IReadOnlyList<string>? Manifests = null, IReadOnlyList<string>? ManifestSigners = null);

/// <summary>Logging settings (<c>log:</c>).</summary>
/// <param name="Console">Log to standard output (journald under systemd).</param>
/// <param name="File">A compact-JSON log file, kept under this name until it reaches 64 MiB (then NAME_001…); null for none.</param>
/// <param name="Level">The least severe level written.</param>
public sealed record LogConfig(bool Console = true, string? File = null, LogEventLevel Level = LogEventLevel.Information);
