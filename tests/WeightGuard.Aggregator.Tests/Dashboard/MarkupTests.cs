using WeightGuard.Aggregator.Dashboard;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>Every page escapes by construction: interpolated values are encoded unless they are markup.</summary>
public sealed class MarkupTests
{
    [Test]
    public void ValuesAreEncodedAndMarkupIsNot()
    {
        var name = "<img src=x onerror=alert(1)>\"'&";
        var inner = Html($"<b>{name}</b>");
        Assert.That(Html($"<p title=\"{name}\">{inner}</p>").Value,
            Is.EqualTo("<p title=\"&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;\"><b>&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;&amp;</b></p>"));
    }

    [TestCase("/dashboard", true)]
    [TestCase("/dashboard/hosts/a?x=1", true)]
    [TestCase("/dashboard?page=2", true)]
    [TestCase("https://evil.example/dashboard", false)]
    [TestCase("//evil.example", false)]
    [TestCase("/dashboard//evil.example", false)]
    [TestCase("/dashboard\\evil", false)]
    [TestCase("/dashboards", false)]
    [TestCase("", false)]
    [TestCase(null, false)]
    public void OnlyDashboardPathsAreLocal(string? path, bool local) => Assert.That(DashboardPaths.IsLocal(path), Is.EqualTo(local));
}
