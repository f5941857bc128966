using System.Globalization;
using WeightGuard.Aggregator.Storage;
using static WeightGuard.Aggregator.Dashboard.Markup;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// Charts as inline SVG (no scripts, no images to fetch): each has a title for screen readers and sits next to a table
/// holding the same numbers, so nothing is only in the picture.
/// </summary>
public static class SvgCharts
{
    private const int Width = 600;
    private const int BarHeight = 22;
    private const int LabelWidth = 140;

    /// <summary>Horizontal bars, one per item, scaled to the largest value.</summary>
    public static Markup Bars(string title, IReadOnlyList<(string Label, int Value)> items)
    {
        var max = Math.Max(1, items.Count == 0 ? 1 : items.Max(i => i.Value));
        var height = Math.Max(1, items.Count) * BarHeight + 4;
        var bars = items.Select((item, i) =>
        {
            var y = i * BarHeight + 2;
            var w = (Width - LabelWidth - 60) * item.Value / (double)max;
            return Html($"""<text x="0" y="{y + 15}" class="axis">{item.Label}</text><rect x="{LabelWidth}" y="{y + 2}" width="{w:0.#}" height="{BarHeight - 6}" class="bar"/><text x="{LabelWidth + w + 6:0.#}" y="{y + 15}" class="axis">{item.Value}</text>""");
        });
        return Html($"""<svg class="chart" role="img" viewBox="0 0 {Width} {height}" width="{Width}" height="{height}"><title>{title}</title>{Join(bars)}</svg>""");
    }

    /// <summary>Share of reporting hosts compliant per day, as a line from 0 to 100 %.</summary>
    public static Markup Trend(string title, IReadOnlyList<CompliancePoint> points)
    {
        const int height = 200, left = 40, bottom = 24, top = 10;
        var plotWidth = Width - left - 10;
        var plotHeight = height - top - bottom;
        if (points.Count == 0)
            return Html($"""<svg class="chart" role="img" viewBox="0 0 {Width} 40" width="{Width}" height="40"><title>{title}</title><text x="0" y="24" class="axis">No reports in this period.</text></svg>""");
        var first = points[0].Day.DayNumber;
        var span = Math.Max(1, points[^1].Day.DayNumber - first);
        string X(DateOnly day) => (left + plotWidth * (day.DayNumber - first) / (double)span).ToString("0.#", CultureInfo.InvariantCulture);
        string Y(CompliancePoint p) => (top + plotHeight * (1 - (p.Hosts == 0 ? 0 : p.Compliant / (double)p.Hosts))).ToString("0.#", CultureInfo.InvariantCulture);
        var line = string.Join(' ', points.Select(p => $"{X(p.Day)},{Y(p)}"));
        var dots = points.Select(p => Html($"""<circle cx="{X(p.Day)}" cy="{Y(p)}" r="3" class="dot"><title>{p.Day:yyyy-MM-dd}: {p.Compliant} of {p.Hosts} compliant</title></circle>"""));
        return Html($"""
            <svg class="chart" role="img" viewBox="0 0 {Width} {height}" width="{Width}" height="{height}"><title>{title}</title>
            <line x1="{left}" y1="{top}" x2="{left}" y2="{top + plotHeight}" class="grid"/><line x1="{left}" y1="{top + plotHeight}" x2="{left + plotWidth}" y2="{top + plotHeight}" class="grid"/>
            <text x="0" y="{top + 8}" class="axis">100%</text><text x="0" y="{top + plotHeight}" class="axis">0%</text>
            <text x="{left}" y="{height - 6}" class="axis">{points[0].Day:yyyy-MM-dd}</text><text x="{left + plotWidth - 80}" y="{height - 6}" class="axis">{points[^1].Day:yyyy-MM-dd}</text>
            <polyline points="{line}" class="line"/>{Join(dots)}</svg>
            """);
    }
}
