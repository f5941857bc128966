using System.CommandLine;
using System.Globalization;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Cli;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Judgement;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Export;

/// <summary>
/// <c>weightguard-aggregator export --data DIR [--db DATABASE] --out FILE [--hosts HOST,…] [--since DATE] [--catalog DIR]</c>:
/// the evidence bundle the dashboard's export downloads, written from the command line.
/// </summary>
internal static class ExportCommand
{
    public static Command Create()
    {
        var data = StoreOptions.Data();
        var db = StoreOptions.Database();
        var output = new Option<string>("--out") { Description = "The bundle file to write (replaced atomically)", HelpName = "FILE", Required = true };
        var hosts = new Option<string?>("--hosts")
        {
            Description = "Comma-separated enrolled host names, globs (gpu-train-*), labels (role=inference), profile=ID or agent ids (default: every host)",
            HelpName = "HOST,…",
        };
        var since = new Option<string?>("--since") { Description = "Only reports received since this UTC date or time (ISO 8601)", HelpName = "DATE" };
        var catalog = new Option<string?>("--catalog") { Description = "The catalogue the aggregator serves with, when not the built-in one", HelpName = "DIR" };
        var command = new Command("export", "Write a signed evidence bundle for auditors ('weightguard evidence verify' checks it offline)")
        {
            data, db, output, hosts, since, catalog,
        };
        command.SetAction(async (parse, cancel) =>
        {
            DateTimeOffset? from = null;
            if (parse.GetValue(since) is { } text)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    Console.Error.WriteLine($"--since: '{text}' is not an ISO 8601 date or time");
                    return StoreOptions.BadInput;
                }
                from = parsed;
            }
            var dir = parse.GetValue(catalog);
            var loaded = dir is null ? EmbeddedCatalog.Load(typeof(ExportCommand).Assembly) : CatalogLoader.LoadDirectory(dir);
            if (loaded.Catalog is null)
            {
                foreach (var e in loaded.Errors) Console.Error.WriteLine(e);
                return StoreOptions.BadInput;
            }
            var directory = new DataDirectory(parse.GetValue(data)!);
            await using var store = await StoreOptions.OpenAsync(directory, parse.GetValue(db), cancel);
            if (store is null) return StoreOptions.BadInput;
            var path = Path.GetFullPath(parse.GetValue(output)!);
            var partial = path + ".partial";
            try
            {
                var files = dir is null ? CatalogFiles.Embedded(typeof(ExportCommand).Assembly) : CatalogFiles.Directory(dir);
                var export = new EvidenceExport(store, new FleetJudge(store, loaded.Catalog, TimeProvider.System,
                    Microsoft.Extensions.Logging.Abstractions.NullLogger<FleetJudge>.Instance), files, directory, TimeProvider.System);
                var selected = parse.GetValue(hosts)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                var request = new ExportRequest(selected, from, "command line");
                ExportResult result;
                await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None))
                    result = await export.WriteAsync(request, stream, cancel);
                File.Move(partial, path, overwrite: true);
                await new AuditLog(store, TimeProvider.System).RecordAsync(AuditLog.CommandLine, AuditActions.ExportMade, result.ManifestSha256,
                    $"{result.AuditDetails(request)}; to {path}", AuditLog.CommandLine, cancel);
                Console.Out.WriteLine($"Wrote {path}: {result.Hosts} host(s), {result.Reports} report(s); manifest SHA-256 {result.ManifestSha256}.");
                return StoreOptions.Ok;
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                File.Delete(partial);
                Console.Error.WriteLine(e.Message);
                return StoreOptions.BadInput;
            }
        });
        return command;
    }
}
