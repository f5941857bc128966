using Spectre.Console;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Reports;
using WeightGuard.Reporting;

namespace WeightGuard.Cli;

/// <summary>
/// The default terminal rendering of a report: one row per control, failures first, coloured on a terminal. A row that
/// needs action (fail, error) also says what to do next and which framework clauses the control answers.
/// </summary>
internal static class TableReport
{
    public static void Write(Report report, IAnsiConsole console)
    {
        console.MarkupLine($"[bold]WeightGuard[/] {Markup.Escape(report.Agent.Version)} · {Markup.Escape(report.Host.Hostname)} · {Markup.Escape(report.Host.Os)} · profile [bold]{Markup.Escape(report.Profile.Id)}[/]");
        var table = new Table().Border(TableBorder.Rounded).Expand();
        table.AddColumn("Status");
        table.AddColumn("Control");
        table.AddColumn("Severity");
        table.AddColumn(new TableColumn("Finding"));
        foreach (var r in report.Results.OrderBy(r => Order(r.Status)).ThenByDescending(r => r.Severity).ThenBy(r => r.ControlId, StringComparer.Ordinal))
            table.AddRow(new Markup($"[{Colour(r.Status)}]{Statuses.Name(r.Status)}[/]"), new Text($"{r.ControlId}\n{r.Title}"),
                new Text(r.Severity.ToString().ToLowerInvariant()), Finding(r));
        console.Write(table);
        var s = report.Summary;
        console.MarkupLine($"[bold]{Markup.Escape(s.Rand.ToString())}[/]");
        console.MarkupLine($"[green]{s.Pass} pass[/] · [red]{s.Fail} fail[/] · [yellow]{s.Error} error[/] · {s.Waived} waived · {s.Attested} attested · {s.Manual} manual, not attested · {s.NotApplicable} not applicable");
    }

    private static Markup Finding(ControlResult r)
    {
        var text = Markup.Escape(r.Message);
        if (r.Status is not (ControlStatus.Fail or ControlStatus.Error)) return new Markup(text);
        if (FindingText.NextStep(r) is var (label, step)) text += $"\n[bold]{Markup.Escape(label)}:[/] {Markup.Escape(step)}";
        var clauses = FindingText.Clauses(r).ToList();
        if (clauses.Count > 0) text += "\n[grey]" + Markup.Escape(string.Join("\n", clauses)) + "[/]";
        return new Markup(text);
    }

    private static int Order(ControlStatus s) => s switch
    {
        ControlStatus.Fail => 0, ControlStatus.Error => 1, ControlStatus.Waived => 2, ControlStatus.Manual => 3, ControlStatus.Attested => 4, ControlStatus.Pass => 5, _ => 6,
    };

    private static string Colour(ControlStatus s) => s switch
    {
        ControlStatus.Pass => "green", ControlStatus.Fail => "red", ControlStatus.Error => "yellow", ControlStatus.Waived => "blue", _ => "grey",
    };
}
