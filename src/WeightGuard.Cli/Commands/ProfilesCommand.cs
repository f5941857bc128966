using System.CommandLine;
using Spectre.Console;

namespace WeightGuard.Cli.Commands;

/// <summary><c>weightguard profiles list|show</c>.</summary>
internal static class ProfilesCommand
{
    public static Command Create()
    {
        var catalog = CommonOptions.Catalog();
        var list = new Command("list", "List the profiles a scan can judge against") { catalog };
        list.SetAction(parse =>
        {
            if (CatalogSources.Load(parse.GetValue(catalog), null, Console.Error) is not { } c) return ExitCodes.BadInput;
            var table = new Table().Border(TableBorder.Simple).AddColumns("Id", "Extends", "Controls", "Title");
            foreach (var p in c.Profiles.Values)
                table.AddRow(Markup.Escape(p.Id), Markup.Escape(p.Extends ?? "-"), c.Resolve(p.Id).Controls.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(p.Title));
            AnsiConsole.Write(table);
            return ExitCodes.Ok;
        });

        var id = new Argument<string>("ID") { Description = "Profile id, e.g. rand-sl3" };
        var show = new Command("show", "Show a profile with every control it requires (its parents' included) and the effective parameters") { id, catalog };
        show.SetAction(parse =>
        {
            if (CatalogSources.Load(parse.GetValue(catalog), null, Console.Error) is not { } c) return ExitCodes.BadInput;
            if (!c.Profiles.ContainsKey(parse.GetValue(id)!))
            {
                Console.Error.WriteLine($"unknown profile '{parse.GetValue(id)}' (known: {string.Join(", ", c.Profiles.Keys)})");
                return ExitCodes.BadInput;
            }
            var p = c.Resolve(parse.GetValue(id)!);
            Console.Out.WriteLine($"{p.Definition.Id}: {p.Definition.Title}");
            Console.Out.WriteLine($"  {p.Definition.Description}");
            if (p.Definition.Extends is not null) Console.Out.WriteLine($"  extends: {p.Definition.Extends}");
            Console.Out.WriteLine($"  digest: {p.Digest}");
            foreach (var control in p.Controls.OrderBy(x => x.Id, StringComparer.Ordinal))
            {
                var values = p.Params[control.Id];
                Console.Out.WriteLine($"  {control.Id} [{control.Severity.ToString().ToLowerInvariant()}] {control.Title}" +
                    (values.Count > 0 && control.Check.Kind != "manual" ? $" ({string.Join(", ", values.Select(kv => $"{kv.Key}={kv.Value}"))})" : ""));
            }
            return ExitCodes.Ok;
        });
        return new Command("profiles", "List and show profiles (RAND SL1–SL5, NCSC, DSIT)") { list, show };
    }
}
