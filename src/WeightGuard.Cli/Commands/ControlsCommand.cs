using System.CommandLine;
using Spectre.Console;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard controls list|show|validate|coverage</c>.</summary>
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
            o.WriteLine($"  severity justification: {x.SeverityJustification}");
            o.WriteLine($"  revision: {x.Revision}");
            o.WriteLine($"  check: {x.Check.Kind}{(x.Check.Params.Count > 0 ? " " + string.Join(", ", x.Check.Params.Select(p => $"{p.Key}={p.Value}")) : "")}");
            o.WriteLine($"  how to check by hand: {x.AuditCheck}");
            o.WriteLine($"  remediation (linux): {x.Remediation.Linux}");
            if (x.Remediation.Windows is not null) o.WriteLine($"  remediation (windows): {x.Remediation.Windows}");
            foreach (var r in x.Citations)
            {
                o.WriteLine($"  {r.Framework}: {r.Display} — measure {r.Measure}");
                if (r.Why is not null) o.WriteLine($"    why derived: {r.Why}");
                if (r.Note is not null) o.WriteLine($"    note: {r.Note}");
            }
            o.WriteLine($"  profiles: {string.Join(", ", c.Profiles.Keys.Where(p => c.Resolve(p).Controls.Contains(x)))}");
            o.WriteLine($"  defined at: {x.Source}");
            return ExitCodes.Ok;
        });

        var dir = new Argument<string?>("DIR") { Description = "Catalogue directory holding controls/, profiles/ and frameworks/ (default: the built-in catalogue)", Arity = ArgumentArity.ZeroOrOne };
        var fixtures = new Option<string?>("--fixtures")
        {
            Description = "Directory of per-control host trees (ID/pass, ID/fail); default: DIR/" + ControlFixtures.RepositoryPath.Replace('\\', '/') + " when DIR is a repository checkout",
            HelpName = "DIR",
        };
        var validate = new Command("validate", "Check a catalogue: unknown keys, duplicate ids, unknown check kinds or parameters, dangling references, extension cycles, references without version, place or mapping status, controls without check text, references to measures the frameworks do not list, and automated controls without pass and fail fixtures. Prints file:line: message and exits 2 on any problem.") { dir, fixtures };
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
            if (CatalogSources.LoadFrameworks(path, c, Console.Error) is null) return ExitCodes.BadInput;
            var fixtureDir = parse.GetValue(fixtures) ?? (path is null ? null : Path.Combine(path, ControlFixtures.RepositoryPath));
            string fixtureNote;
            if (fixtureDir is null) fixtureNote = "fixtures not checked (give --fixtures DIR)";
            else if (!Directory.Exists(fixtureDir) && parse.GetValue(fixtures) is null) fixtureNote = $"fixtures not checked ({fixtureDir} does not exist)";
            else
            {
                var missing = ControlFixtures.Missing(c, fixtureDir);
                foreach (var e in missing) Console.Error.WriteLine(e);
                if (missing.Count > 0) return ExitCodes.BadInput;
                fixtureNote = "every automated control has pass and fail fixtures";
            }
            Console.Out.WriteLine($"{c.Controls.Count} controls, {c.Profiles.Count} profiles, {c.Waivers.Count} waivers: valid; {fixtureNote}");
            return ExitCodes.Ok;
        });
        return new Command("controls", "List, show and validate the controls of the catalogue, and show which framework measures they cover")
        {
            list, show, validate, CoverageCommand.Create(),
        };
    }
}
