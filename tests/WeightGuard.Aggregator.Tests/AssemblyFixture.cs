using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests;

/// <summary>Stops the run's swtpm and PostgreSQL after the last test.</summary>
[SetUpFixture]
public sealed class AssemblyFixture
{
    [OneTimeTearDown]
    public void StopServers()
    {
        Swtpm.StopShared();
        PostgresServer.StopShared();
    }
}
