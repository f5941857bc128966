using System.CommandLine;
using Microsoft.Extensions.Logging.Abstractions;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Inputs;

namespace WeightGuard.Aggregator.Cli;

/// <summary>
/// <c>policy apply</c> (set the fleet policy from a YAML file, which re-judges every host) and <c>policy show</c> (print
/// the policy in force): for admins who keep the policy in git.
/// </summary>
internal static class PolicyCommand
{
    public static Command Create()
    {
        var data = StoreOptions.Data();
        var db = StoreOptions.Database();
        var catalog = new Option<string?>("--catalog") { Description = "The catalogue 'serve' judges with, when not the built-in one", HelpName = "DIR" };
        var file = new Argument<string>("FILE") { Description = "The policy (YAML): staleAfter, and assignments of profiles to hosts by name glob and/or labels" };
        var by = new Option<string>("--by") { Description = "Who applies it (recorded with the policy)", HelpName = "NAME", DefaultValueFactory = _ => Environment.UserName };
        var apply = new Command("apply", "Check a policy against the catalogue, store it, and judge every host's latest report again under it") { data, db, catalog, by, file };
        apply.SetAction(async (parse, cancel) =>
        {
            var path = parse.GetValue(file)!;
            string text;
            try { text = BoundedFile.ReadText(path, InputKind.ConfigFile); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                Console.Error.WriteLine(e is FileNotFoundException ? $"{path}: no such file" : e.Message);
                return StoreOptions.BadInput;
            }
            if (LoadCatalog(parse.GetValue(catalog)) is not { } loaded) return StoreOptions.BadInput;
            await using var store = await StoreOptions.OpenAsync(new DataDirectory(parse.GetValue(data)!), parse.GetValue(db), cancel);
            if (store is null) return StoreOptions.BadInput;
            var judge = new FleetJudge(store, loaded, TimeProvider.System, NullLogger<FleetJudge>.Instance);
            try
            {
                var view = await new PolicyApplier(store, loaded, judge, new AuditLog(store, TimeProvider.System), TimeProvider.System)
                    .ApplyAsync(text, parse.GetValue(by)!, AuditLog.CommandLine, AuditLog.CommandLine, cancel);
                Console.Out.WriteLine($"Policy applied: {view.Assignments.Count} assignment(s), stale after {TimeSpan.FromSeconds(view.StaleAfter)}; every host's latest report judged again.");
                return StoreOptions.Ok;
            }
            catch (PolicyRefusedException e)
            {
                foreach (var line in e.Message.Split('\n')) Console.Error.WriteLine(line.Replace("policy:", path + ":", StringComparison.Ordinal));
                return StoreOptions.BadInput;
            }
        });

        var show = new Command("show", "Print the policy in force (the default policy until one is applied)") { data, db };
        show.SetAction(async (parse, cancel) =>
        {
            await using var store = await StoreOptions.OpenAsync(new DataDirectory(parse.GetValue(data)!), parse.GetValue(db), cancel);
            if (store is null) return StoreOptions.BadInput;
            var stored = await store.GetPolicyAsync(cancel);
            Console.Out.Write(stored?.Text ?? FleetPolicy.Default.Text);
            Console.Error.WriteLine(stored is null ? "(the default policy: none has been applied)" : $"(applied by {stored.UpdatedBy} on {stored.UpdatedAt:yyyy-MM-dd HH:mm} UTC)");
            return StoreOptions.Ok;
        });
        return new Command("policy", "The fleet policy: which profiles each host is judged against, and when a silent host is stale") { apply, show };
    }

    private static Catalog? LoadCatalog(string? directory)
    {
        var loaded = directory is null ? EmbeddedCatalog.Load(typeof(PolicyCommand).Assembly) : CatalogLoader.LoadDirectory(directory);
        foreach (var e in loaded.Errors) Console.Error.WriteLine(e);
        return loaded.Catalog;
    }
}
