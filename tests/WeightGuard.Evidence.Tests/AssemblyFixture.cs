using WeightGuard.Testing;

/// <summary>Stops the run's swtpm after the last test.</summary>
[SetUpFixture]
public sealed class AssemblyFixture
{
    [OneTimeTearDown]
    public void StopSimulator() => Swtpm.StopShared();
}
