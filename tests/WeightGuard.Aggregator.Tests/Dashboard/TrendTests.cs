using System.Text.RegularExpressions;
using WeightGuard.Aggregator.Dashboard;
using WeightGuard.Aggregator.Dashboard.Pages;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Tests.Dashboard;

/// <summary>The overview's trend: counted over the hosts shown, drawn on an axis that spans the whole window.</summary>
public sealed partial class TrendTests
{
    private static readonly DateOnly Start = new(2026, 11, 4);
    private static readonly DateOnly End = new(2026, 12, 3);

    private static CompliancePoint Point(DateOnly day, int hosts, int compliant) => new(day, hosts, compliant, new Dictionary<string, int>());

    [Test]
    public void OneDayOfDataIsOneDotOnThatDayWithDistinctDatesOnTheAxis()
    {
        var svg = SvgCharts.Trend("t", [Point(End, 4, 1)], Start, End).Value;
        var dots = Circle().Matches(svg);
        Assert.That(dots, Has.Count.EqualTo(1));
        Assert.That(svg, Does.Not.Contain("<polyline"), "no line from a date to itself");
        Assert.That(double.Parse(dots[0].Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), Is.GreaterThan(300),
            "today's dot sits at the right end of the window, not at its left edge");
        Assert.That(double.Parse(dots[0].Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture), Is.EqualTo(8 + 122 * 0.75).Within(0.1), "25 % compliant");
        Assert.That(Tick().Matches(svg).Select(m => m.Groups[1].Value), Is.EqualTo(new[] { "Nov 4", "Nov 18", "Dec 3" }));
        Assert.That(svg, Does.Contain("2026-12-03: 1 of 4 compliant"));
    }

    [Test]
    public void DaysWithoutReportsAreGapsAndAnEmptyWindowSaysSo()
    {
        var svg = SvgCharts.Trend("t", [Point(Start, 2, 2), Point(End, 2, 0)], Start, End).Value;
        Assert.That(Circle().Matches(svg), Has.Count.EqualTo(2));
        Assert.That(svg, Does.Contain("<polyline"));
        Assert.That(SvgCharts.Trend("t", [], Start, End).Value, Does.Contain("No reports in this period").And.Not.Contain("<circle"));
    }

    [Test]
    public void PointsCountOnlyTheHostsShown()
    {
        var days = new[]
        {
            new DailyAssessment("a", Start, true, "SL1"), new DailyAssessment("b", Start, false, "SL0"), new DailyAssessment("hidden", Start, false, "SL0"),
            new DailyAssessment("a", End, false, "SL0"), new DailyAssessment("hidden", End.AddDays(-1), true, "SL2"),
        };
        var points = ComplianceTrend.Points(days, new HashSet<string>(["a", "b"]));
        Assert.That(points.Select(p => (p.Day, p.Hosts, p.Compliant)), Is.EqualTo(new[] { (Start, 2, 1), (End, 1, 0) }));
        Assert.That(points[0].RandLevels, Is.EquivalentTo(new Dictionary<string, int> { ["SL1"] = 1, ["SL0"] = 1 }));
    }

    [Test]
    public void TheOverviewStatesItsFilters()
    {
        Assert.That(OverviewPage.Applied(new FleetFilter()), Is.EqualTo("Filters: none (every host)."));
        Assert.That(OverviewPage.Applied(new FleetFilter(Profile: "rand-sl3", Label: "training", Search: "gpu")),
            Is.EqualTo("Filters: host name contains gpu; assigned profile rand-sl3; label training."));
    }

    [GeneratedRegex("<circle cx=\"([0-9.]+)\" cy=\"([0-9.]+)\"")]
    private static partial Regex Circle();

    [GeneratedRegex("class=\"axis\">([A-Z][a-z]{2} \\d+)</text>")]
    private static partial Regex Tick();
}
