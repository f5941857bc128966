using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Platform.Endpoint;

/// <summary>
/// Finds the known EDR/XDR agents on a Linux host: an agent is found when its unit file is installed, its unit is
/// enabled, or one of its programs runs. Reads unit files and <c>.wants</c> links (a fixed set of paths per agent) and
/// the process table the scan already read; nothing is walked.
/// </summary>
public sealed class EndpointDetectionCollector(HostRoot root, ProcessTable? processes)
{
    private static readonly string[] UnitDirectories = ["/etc/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"];

    /// <summary>Collects the endpoint detection evidence.</summary>
    public EndpointDetectionEvidence Collect()
    {
        var agents = new List<EndpointAgent>();
        foreach (var known in KnownEndpointAgents.All)
        {
            var enabled = SystemdUnits.IsEnabled(root, known.Unit);
            bool? running = processes?.AnyNamed(known.Programs);
            if (enabled || running == true || Installed(known.Unit)) agents.Add(new EndpointAgent(known.Product, known.Unit, enabled, running));
        }
        var notEdr = KnownEndpointAgents.NotEdr
            .Where(t => SystemdUnits.IsEnabled(root, t.Unit) || processes?.AnyNamed(t.Programs) == true || Installed(t.Unit))
            .Select(t => t.Product).ToList();
        return new EndpointDetectionEvidence { Agents = agents, NotEdr = notEdr, ProcessesRead = processes is not null };
    }

    private bool Installed(string unit) => UnitDirectories.Any(d => File.Exists(root.Resolve($"{d}/{unit}")));
}
