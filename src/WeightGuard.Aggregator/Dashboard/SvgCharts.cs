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

    /// <summary>
    /// Share of reporting hosts compliant per day, as dots (joined by a line) on an axis that always spans the whole window
    /// from <paramref name="start"/> to <paramref name="end"/>, so one day of data is one dot on the day it was, not a line
    /// from a date to itself; days without reports are gaps, not zeros.
    /// </summary>
    public static Markup Trend(string title, IReadOnlyList<CompliancePoint> points, DateOnly start, DateOnly end)
    {
        const int width = 320, height = 150, left = 42, right = 8, top = 8, bottom = 20;
        var plotWidth = width - left - right;
        var plotHeight = height - top - bottom;
        var span = Math.Max(1, end.DayNumber - start.DayNumber);
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        string X(DateOnly day) => F(left + plotWidth * (day.DayNumber - start.DayNumber) / (double)span);
        string Y(double share) => F(top + plotHeight * (1 - share));
        static double Share(CompliancePoint p) => p.Hosts == 0 ? 0 : p.Compliant / (double)p.Hosts;
        var middle = start.AddDays(span / 2);
        var grid = Join(new[] { 0, 0.5, 1 }.Select(s => Html($"""<line x1="{left}" y1="{Y(s)}" x2="{left + plotWidth}" y2="{Y(s)}" class="grid"/><text x="{left - 4}" y="{Y(s)}" dy="4" text-anchor="end" class="axis">{s * 100:0}%</text>""")));
        var ticks = Join(new[] { (start, "start"), (middle, "middle"), (end, "end") }.Select(t => Html($"""<text x="{X(t.Item1)}" y="{height - 4}" text-anchor="{t.Item2}" class="axis">{t.Item1:MMM d}</text>""")));
        var line = points.Count < 2 ? Empty : Html($"""<polyline points="{string.Join(' ', points.Select(p => $"{X(p.Day)},{Y(Share(p))}"))}" class="line"/>""");
        var dots = points.Select(p => Html($"""<circle cx="{X(p.Day)}" cy="{Y(Share(p))}" r="3.5" class="dot"><title>{p.Day:yyyy-MM-dd}: {p.Compliant} of {p.Hosts} compliant</title></circle>"""));
        return Html($"""
            <svg class="chart trend" role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}"><title>{title}</title>
            {grid}{ticks}{(points.Count == 0 ? Html($"""<text x="{left + plotWidth / 2}" y="{top + plotHeight / 2}" text-anchor="middle" class="axis">No reports in this period</text>""") : Empty)}
            {line}{Join(dots)}</svg>
            """);
    }
}
