namespace WeightGuard.Cli.Tests;

/// <summary>What escapes a command becomes one line and an exit code: 2 for bad input, 3 for a bug; a stack trace only with --verbose.</summary>
public class TopLevelGuardTests
{
    private static (int Code, string Stderr) Guard(Exception thrown, bool verbose = false)
    {
        using var stderr = new StringWriter();
        var code = TopLevelGuard.RunAsync(() => throw thrown, verbose, stderr).GetAwaiter().GetResult();
        return (code, stderr.ToString());
    }

    [Test]
    public void AnInputErrorIsOneLineAndExitTwo()
    {
        var (code, stderr) = Guard(new InvalidDataException("/etc/sudoers:3: syntax error\u001b[31m\nsecond line"));
        Assert.That(code, Is.EqualTo(2));
        Assert.That(stderr, Is.EqualTo("weightguard: /etc/sudoers:3: syntax error?[31m second line" + Environment.NewLine));
    }

    [Test]
    public void ABugIsAnInternalErrorAndExitThreeWithoutAStackTrace()
    {
        var (code, stderr) = Guard(new AggregateException(new NullReferenceException("Object reference not set to an instance of an object.")));
        Assert.That(code, Is.EqualTo(3));
        Assert.That(stderr, Does.StartWith("weightguard: internal error: NullReferenceException: Object reference not set"));
        Assert.That(stderr.Trim().Split('\n'), Has.Length.EqualTo(1));
    }

    [Test]
    public void VerboseAddsTheStackTrace()
    {
        Exception thrown;
        try { throw new InvalidOperationException("broken"); }
        catch (InvalidOperationException e) { thrown = e; }
        var (code, stderr) = Guard(thrown, verbose: true);
        Assert.That(code, Is.EqualTo(3));
        Assert.That(stderr, Does.Contain("   at "));
    }

    [Test]
    public void TheCommandsOwnExitCodePassesThrough()
    {
        using var stderr = new StringWriter();
        Assert.That(TopLevelGuard.RunAsync(() => Task.FromResult(1), false, stderr).GetAwaiter().GetResult(), Is.EqualTo(1));
        Assert.That(stderr.ToString(), Is.Empty);
    }
}
