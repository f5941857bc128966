using System.CommandLine;
using System.Text.Json;
using WeightGuard.Cli.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Reporting;

namespace WeightGuard.Cli.Commands;

/// <summary>
/// <c>weightguard controls coverage [--framework rand|ncsc|dsit] [--format md|json]</c>: every measure of a framework
/// with the controls that evidence it, "organisational — manual attestation" or "not covered". Without
/// <c>--framework</c>, Markdown output is the whole <c>docs/frameworks.md</c> page.
/// </summary>
internal static class CoverageCommand
{
    public static Command Create()
    {
        var catalog = CommonOptions.Catalog();
        var framework = new Option<string?>("--framework") { Description = "The framework: rand, ncsc or dsit (default: all, with the citation corrections)" };
        var format = new Option<string>("--format") { Description = "md or json", DefaultValueFactory = _ => "md" };
        var command = new Command("coverage", "List every measure of a framework with the controls that evidence it, or 'organisational — manual attestation', or 'not covered'")
        {
            framework, format, catalog,
        };
        command.SetAction(parse =>
        {
            var fmt = parse.GetValue(format)!;
            if (fmt is not ("md" or "json"))
            {
                Console.Error.WriteLine($"unknown format '{fmt}' (known: md, json)");
                return ExitCodes.BadInput;
            }
            var dir = parse.GetValue(catalog);
            if (CatalogSources.Load(dir, null, Console.Error) is not { } c) return ExitCodes.BadInput;
            if (CatalogSources.LoadFrameworks(dir, c, Console.Error) is not { } set) return ExitCodes.BadInput;
            var id = parse.GetValue(framework);
            if (id is not null && !set.Frameworks.ContainsKey(id))
            {
                Console.Error.WriteLine($"unknown framework '{id}' (known: {string.Join(", ", set.Frameworks.Keys)})");
                return ExitCodes.BadInput;
            }
            var chosen = id is null ? set.Frameworks.Values.ToList() : [set.Frameworks[id]];
            if (fmt == "json")
                Console.Out.WriteLine(JsonSerializer.Serialize(chosen.Select(f => ToJson(f, c)).ToList(), CoverageJsonContext.Default.IReadOnlyListCoverageJson));
            else
                Console.Out.Write(id is null ? CoverageMarkdownWriter.Document(set, c) : CoverageMarkdownWriter.Framework(chosen[0], c));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static CoverageJson ToJson(FrameworkDefinition f, Catalog catalog) => new(f.Id, f.Source, f.Reading,
        FrameworkCoverage.Compute(f, catalog).Select(r => new MeasureCoverageJson(r.Measure.Id, r.Measure.Place, r.Measure.Text,
            r.Measure.Scope == MeasureScope.Host ? "host" : "organisational", r.Measure.Level is { } l ? RandLevels.Format(l) : null, r.Measure.Wording,
            r.StatusText, r.Controls.Select(c => new CoveringControlJson(c.Id, c.Mapping, c.Manual)).ToList())).ToList());
}
