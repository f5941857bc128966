using WeightGuard.Evidence;

namespace WeightGuard.Evidence.Tests;

/// <summary>The audit log a bundle carries: its hash chain verifies, and a changed, removed or reordered row is named.</summary>
public sealed class AuditChainTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static List<AuditEntry> Rows(int count)
    {
        var rows = new List<AuditEntry>();
        for (var i = 0; i < count; i++)
            rows.Add(AuditChain.Append(rows.LastOrDefault(), new AuditAction($"admin {i} (token abc)", "waiver.added", $"w{i}", "control WG-DISK-001", "10.0.0.1"),
                T0.AddMinutes(i)));
        return rows;
    }

    private static BundleVerification Verify(IReadOnlyList<AuditEntry> audit) => BundleEditor.Verify(Fleet.Bundle(content: Fleet.Content with { Audit = audit }));

    [Test]
    public void AnIntactChainVerifies()
    {
        var result = Verify(Rows(5));
        Assert.That(result.Problems, Is.Empty);
        Assert.That(result.Counts.AuditRows, Is.EqualTo(5));
    }

    [Test]
    public void AChangedRowIsNamedAndOnlyIt()
    {
        var rows = Rows(5);
        rows[2] = rows[2] with { Actor = "someone else" };
        var problems = Verify(rows).Problems;
        Assert.That(problems.Select(p => p.ToString()), Is.EqualTo(new[]
        {
            "audit.jsonl: row 3 (waiver.added w2 by someone else at 2026-11-20T09:02:00.000Z): its SHA-256 does not match its content: the row was changed after it was written",
        }));
    }

    [Test]
    public void ARemovedRowIsNamed()
    {
        var rows = Rows(5);
        rows.RemoveAt(1);
        var problems = Verify(rows).Problems.Select(p => p.Defect).ToList();
        Assert.That(problems, Has.Count.EqualTo(2));
        Assert.That(problems, Has.All.StartWith("row 3 (waiver.added w2 "));
        Assert.That(problems[0], Does.Contain("expected row 2 here"));
        Assert.That(problems[1], Does.Contain("does not link to the SHA-256 of the row before it"));
    }

    [Test]
    public void AGarbledLineIsNamedByItsNumber()
    {
        using var jsonl = new MemoryStream([.. AuditChain.Line(Rows(1)[0]), .. "{\"seq\":"u8]);
        var problems = new List<BundleProblem>();
        Assert.That(AuditChain.Verify(jsonl, BundleLayout.AuditLog, problems), Is.EqualTo(1));
        Assert.That(problems.Single().Defect, Does.StartWith("line 2 is not an audit row"));
    }
}
