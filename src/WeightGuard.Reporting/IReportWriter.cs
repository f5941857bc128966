using WeightGuard.Core.Reports;

namespace WeightGuard.Reporting;

/// <summary>Renders a report in one output format.</summary>
public interface IReportWriter
{
    /// <summary>The <c>--format</c> name.</summary>
    string Format { get; }

    /// <summary>Writes the report to <paramref name="output"/> (UTF-8).</summary>
    void Write(Report report, Stream output);
}

/// <summary>A format that can also list the findings of many reports in one file (a fleet export).</summary>
public interface IFindingsWriter : IReportWriter
{
    /// <summary>Writes the findings of every report, in the order given, to <paramref name="output"/> (UTF-8).</summary>
    void WriteAll(IEnumerable<Report> reports, Stream output);
}

/// <summary>The file formats WeightGuard writes (the terminal table lives with the command line).</summary>
public static class ReportWriters
{
    /// <summary>Every writer by format name.</summary>
    public static IReadOnlyDictionary<string, IReportWriter> ByFormat { get; } = new IReportWriter[]
    {
        new JsonReportWriter(), new HtmlReportWriter(), new JUnitReportWriter(), new OcsfReportWriter(), new CsvReportWriter(),
    }.ToDictionary(w => w.Format, StringComparer.Ordinal);
}
