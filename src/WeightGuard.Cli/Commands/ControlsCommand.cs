using System.CommandLine;
using Spectre.Console;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard controls list|show|validate</c>.</summary>
internal static class ControlsCommand
{
    public static Command Create()
    {
        var catalog = CommonOptions.Catalog();
        var list = new Command("list", "List every control: id, severity, domain, check kind and title") { catalog };
        list.SetAction(parse =>
        {
            if (CatalogSources.Load(parse.GetValue(catalog), null, Console.Error) is not { } c) return ExitCodes.BadInput;
            var table = new Table().Border(TableBorder.Simple).AddColumns("Id", "Severity", "Domain", "Check", "RAND", "Title");
            foreach (var x in c.Controls.Values)
                table.AddRow(Markup.Escape(x.Id), x.Severity.ToString().ToLowerInvariant(), Markup.Escape(x.Domain), Markup.Escape(x.Check.Kind),
                    x.RandLevel is { } l ? RandLevels.Format(l) : "-", Markup.Escape(x.Title));
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("ID") { Description = "Control id, e.g. WG-ACL-001" };
        var show = new Command("show", "Show one control in full: what it requires, why, how it is checked and how to fix it") { id, catalog };
        show.SetAction(parse =>
        {
            if (CatalogSources.Load(parse.GetValue(catalog), null, Console.Error) is not { } c) return ExitCodes.BadInput;
            if (!c.Controls.TryGetValue(parse.GetValue(id)!, out var x))
            {
                Console.Error.WriteLine($"unknown control '{parse.GetValue(id)}'");
                return ExitCodes.BadInput;
            }
            var o = Console.Out;
            o.WriteLine($"{x.Id}: {x.Title}");
            o.WriteLine($"  domain: {x.Domain}; severity: {x.Severity.ToString().ToLowerInvariant()}; platforms: {string.Join(", ", x.Platforms)}");
            o.WriteLine($"  description: {x.Description}");
            o.WriteLine($"  rationale: {x.Rationale}");
            o.WriteLine($"  check: {x.Check.Kind}{(x.Check.Params.Count > 0 ? " " + string.Join(", ", x.Check.Params.Select(p => $"{p.Key}={p.Value}")) : "")}");
            o.WriteLine($"  remediation (linux): {x.Remediation.Linux}");
            if (x.Remediation.Windows is not null) o.WriteLine($"  remediation (windows): {x.Remediation.Windows}");
            foreach (var (framework, clauses) in x.References) o.WriteLine($"  {framework}: {string.Join("; ", clauses)}");
            o.WriteLine($"  profiles: {string.Join(", ", c.Profiles.Keys.Where(p => c.Resolve(p).Controls.Contains(x)))}");
            o.WriteLine($"  defined at: {x.Source}");
            return ExitCodes.Ok;
        });

        var dir = new Argument<string?>("DIR") { Description = "Catalogue directory holding controls/ and profiles/ (default: the built-in catalogue)", Arity = ArgumentArity.ZeroOrOne };
        var validate = new Command("validate", "Check a catalogue: unknown keys, duplicate ids, unknown check kinds or parameters, dangling references, extension cycles. Prints file:line: message and exits 2 on any problem.") { dir };
        validate.SetAction(parse =>
        {
            var path = parse.GetValue(dir);
            if (path is not null && !Directory.Exists(path))
            {
                Console.Error.WriteLine($"{path}: no such directory");
                return ExitCodes.BadInput;
            }
            var result = path is null ? CatalogSources.LoadEmbedded() : CatalogLoader.LoadDirectory(path);
            foreach (var e in result.Errors) Console.Error.WriteLine(e);
            if (result.Catalog is not { } c) return ExitCodes.BadInput;
            Console.Out.WriteLine($"{c.Controls.Count} controls, {c.Profiles.Count} profiles, {c.Waivers.Count} waivers: valid");
            return ExitCodes.Ok;
        });
        return new Command("controls", "List, show and validate the controls of the catalogue") { list, show, validate };
    }
}
