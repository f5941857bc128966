namespace WeightGuard.Collectors.Platform.Endpoint;

/// <summary>An EDR/XDR product as it installs on Linux: its systemd unit and the programs its service runs.</summary>
/// <param name="Product">The product's name.</param>
/// <param name="Unit">Its systemd unit.</param>
/// <param name="Programs">Process names of its sensor (as <c>/proc/PID/comm</c> or argv[0] show them).</param>
public sealed record KnownEndpointAgent(string Product, string Unit, IReadOnlyList<string> Programs);

/// <summary>
/// The endpoint detection and response agents WeightGuard recognises, from each vendor's Linux installation documents.
/// Host telemetry that neither detects nor responds (osquery) is listed apart: it never counts as EDR.
/// </summary>
public static class KnownEndpointAgents
{
    /// <summary>The EDR/XDR agents.</summary>
    public static IReadOnlyList<KnownEndpointAgent> All { get; } =
    [
        new("CrowdStrike Falcon", "falcon-sensor.service", ["falcon-sensor"]),
        new("SentinelOne", "sentinelone.service", ["s1-agent", "s1-orchestrator"]),
        new("Microsoft Defender for Endpoint", "mdatp.service", ["wdavdaemon"]),
        new("Elastic Defend", "ElasticEndpoint.service", ["elastic-endpoint"]),
        new("Wazuh agent", "wazuh-agent.service", ["wazuh-agentd"]),
        new("Palo Alto Cortex XDR", "traps_pmd.service", ["pmd"]),
        new("VMware Carbon Black", "cbagentd.service", ["cbagentd"]),
        new("Sophos Protection for Linux", "sophos-spl.service", ["sophos_watchdog"]),
        new("Trend Micro Deep Security", "ds_agent.service", ["ds_agent"]),
    ];

    /// <summary>Telemetry tools that are not EDR, by unit and program.</summary>
    public static IReadOnlyList<KnownEndpointAgent> NotEdr { get; } =
    [
        new("osquery", "osqueryd.service", ["osqueryd"]),
    ];
}
