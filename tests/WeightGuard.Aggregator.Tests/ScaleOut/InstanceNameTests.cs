using System.Net;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.ScaleOut;

/// <summary><c>serve --instance-name</c>: which names are admitted, and the header every response carries.</summary>
public sealed class InstanceNameTests
{
    [TestCase("aggregator-1")]
    [TestCase("eu-west.aggregator_2")]
    [TestCase("A")]
    public void HostLikeNamesAreAdmitted(string name) => Assert.That(InstanceName.Problem(name), Is.Null);

    [TestCase("")]
    [TestCase("-leading-dash")]
    [TestCase("with space")]
    [TestCase("a\r\nX-Injected: 1")]
    [TestCase("ünïcode")]
    public void OtherNamesAreRefusedWithTheRule(string name) =>
        Assert.That(InstanceName.Problem(name), Does.Contain("must be 1 to 63 letters, digits"));

    [Test]
    public void AnOverlongNameIsRefusedAndQuotedShortened()
    {
        var problem = InstanceName.Problem(new string('a', 10_000))!;
        Assert.That(problem, Does.Contain("must be 1 to 63"));
        Assert.That(problem.Length, Is.LessThan(200));
        Assert.That(InstanceName.Problem(new string('a', 63)), Is.Null);
    }

    [Test]
    public void ServeRefusesABadNameInOneLineWithExitTwo()
    {
        var run = ExternalTool.Run("dotnet", [ServeProcess.Program, "serve", "--data", "/nonexistent", "--instance-name", "no spaces please"]);
        Assert.That(run.ExitCode, Is.EqualTo(2));
        Assert.That(run.Stderr.TrimEnd('\n').Split('\n'), Has.Length.EqualTo(1));
        Assert.That(run.Stderr, Does.Contain("instance name 'no spaces please'"));
    }

    [Test]
    public async Task EveryResponseNamesTheInstanceThatAnswered()
    {
        await using var aggregator = await TestAggregator.StartAsync(configure: s => s with { InstanceName = "instance-7" });
        using var anonymous = aggregator.Client();
        using var ca = await anonymous.GetAsync("/api/v1/ca");
        using var refused = await anonymous.GetAsync("/api/v1/hosts");
        Assert.That(refused.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        foreach (var response in new[] { ca, refused })
            Assert.That(response.Headers.GetValues(InstanceName.Header), Is.EqualTo(new[] { "instance-7" }));
    }
}
