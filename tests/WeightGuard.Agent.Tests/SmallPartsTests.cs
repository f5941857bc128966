using System.Text;
using WeightGuard.Agent.Net;
using WeightGuard.Agent.Service;
using WeightGuard.Agent.Spool;

namespace WeightGuard.Agent.Tests;

public sealed class ProblemDocumentTests
{
    [TestCase("""{"type":"about:blank","title":"Report refused","status":400,"detail":"schema"}""", "Report refused: schema")]
    [TestCase("""{"title":"Only a title"}""", "Only a title")]
    [TestCase("""{"detail":"Only a detail"}""", "Only a detail")]
    [TestCase("""{"title":"bell\u0007 and\nnewline"}""", "bell andnewline")]
    public void A_problem_document_becomes_one_line(string json, string expected) =>
        Assert.That(ProblemDocument.Describe(Encoding.UTF8.GetBytes(json)), Is.EqualTo(expected));

    [TestCase("")]
    [TestCase("<html>Bad gateway</html>")]
    [TestCase("""{"title":""")]
    [TestCase("[\"title\"]")]
    [TestCase("""{"title":42,"detail":null}""")]
    public void Anything_else_is_no_problem_document(string body) =>
        Assert.That(ProblemDocument.Describe(Encoding.UTF8.GetBytes(body)), Is.Null);

    [Test]
    public void Hostile_documents_are_bounded()
    {
        var huge = ProblemDocument.Describe(Encoding.UTF8.GetBytes($$"""{"title":"{{new string('A', 100_000)}}"}"""));
        var deep = ProblemDocument.Describe(Encoding.UTF8.GetBytes(new string('[', 10_000) + new string(']', 10_000)));
        Assert.Multiple(() =>
        {
            Assert.That(huge!.Length, Is.LessThanOrEqualTo(501));
            Assert.That(deep, Is.Null);
        });
    }
}

public sealed class BackoffTests
{
    [Test]
    public void Delays_double_up_to_the_cap_and_stay_in_the_upper_half_of_each_step()
    {
        var backoff = new Backoff(TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(15), new Random(7));
        var ceilings = new[] { 30, 60, 120, 240, 480, 900, 900, 900 };
        foreach (var ceiling in ceilings)
            Assert.That(backoff.NextDelay().TotalSeconds, Is.InRange(ceiling / 2.0, ceiling));
        Assert.That(backoff.Failures, Is.EqualTo(ceilings.Length));
        backoff.Reset();
        Assert.That(backoff.NextDelay().TotalSeconds, Is.InRange(15, 30));
    }
}

public sealed class LowPriorityTests
{
    [Test]
    public async Task Scans_run_on_a_thread_with_nice_10_while_the_caller_keeps_its_priority()
    {
        static int Nice() => int.Parse(File.ReadAllText("/proc/thread-self/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[16]);
        var before = Nice();
        string? problem = "not called";
        var inside = await LowPriority.Run(Nice, p => problem = p);
        Assert.Multiple(() =>
        {
            Assert.That(problem, Is.Null);
            Assert.That(inside, Is.EqualTo(Math.Max(before, LowPriority.Nice)));
            Assert.That(Nice(), Is.EqualTo(before));
        });
    }
}
