namespace WeightGuard.Tpm.Tests;

public class RepoLayoutTests
{
    [Test]
    public void SharedEventLogsAreBesideTheRepository() =>
        Assert.That(Directory.GetFiles(Path.Combine(WeightGuard.Testing.RepoPaths.SharedTestData, "tpm-eventlogs"), "*.bin.yaml"), Is.Not.Empty);
}
