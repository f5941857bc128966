using System.CommandLine;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Core.Catalog;

namespace WeightGuard.Aggregator.Cli;

/// <summary><c>weightguard-aggregator serve --data DIR [--db DATABASE] [--urls URL]… [--instance-name NAME]</c>: run the service.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var data = StoreOptions.Data();
        var db = StoreOptions.Database();
        var urls = new Option<string[]>("--urls") { Description = "HTTPS addresses to listen on", HelpName = "URL", DefaultValueFactory = _ => ["https://0.0.0.0:8443"] };
        var catalog = new Option<string?>("--catalog") { Description = "Re-judge reports with the catalogue in DIR instead of the one built in", HelpName = "DIR" };
        var requireEk = new Option<bool>("--require-ek-certificate")
        {
            Description = "Admit only agents whose TPM has an EK certificate chaining to a manufacturer CA (no enrolment without a TPM), and only attested reports",
        };
        var requireAttestation = new Option<bool>("--require-attestation")
        {
            Description = "Refuse every report without a verified TPM quote (agents enrolled without a TPM can no longer report)",
        };
        var limit = new Option<int>("--enrollment-limit")
        {
            Description = "Enrolment requests allowed per client address per minute", HelpName = "N", DefaultValueFactory = _ => 10,
        };
        var instance = new Option<string>("--instance-name")
        {
            Description = "This instance's name in logs and the X-WeightGuard-Instance response header, when several serve one database (default: the host name)",
            HelpName = "NAME", DefaultValueFactory = _ => InstanceName.Default,
        };
        var command = new Command("serve", "Run the aggregator: enrolment, attested reports, the fleet API")
        {
            data, db, urls, catalog, requireEk, requireAttestation, limit, instance,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var loaded = parse.GetValue(catalog) is { } dir ? CatalogLoader.LoadDirectory(dir) : EmbeddedCatalog.Load(typeof(ServeCommand).Assembly);
            if (loaded.Catalog is null)
            {
                foreach (var e in loaded.Errors) Console.Error.WriteLine(e);
                return StoreOptions.BadInput;
            }
            if (parse.GetValue(urls)!.FirstOrDefault(u => !u.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) is { } plain)
            {
                Console.Error.WriteLine($"{plain}: the aggregator listens on https:// addresses only");
                return StoreOptions.BadInput;
            }
            if (InstanceName.Problem(parse.GetValue(instance)!) is { } badName)
            {
                Console.Error.WriteLine(badName);
                return StoreOptions.BadInput;
            }
            var directory = new DataDirectory(parse.GetValue(data)!);
            var store = await StoreOptions.OpenAsync(directory, parse.GetValue(db), cancel);
            if (store is null) return StoreOptions.BadInput;
            var (alerts, alertProblems) = Alerts.AlertSettingsLoader.Load(directory.SettingsFile);
            if (alerts is null)
            {
                await store.DisposeAsync();
                foreach (var problem in alertProblems) Console.Error.WriteLine(problem);
                return StoreOptions.BadInput;
            }
            try
            {
                await using var app = AggregatorApp.Build(new AggregatorSettings
                {
                    Data = directory, Store = store, Catalog = loaded.Catalog, Urls = parse.GetValue(urls)!,
                    CatalogFiles = parse.GetValue(catalog) is { } files ? Export.CatalogFiles.Directory(files) : null,
                    RequireEkCertificate = parse.GetValue(requireEk), RequireAttestation = parse.GetValue(requireAttestation), EnrollmentPermits = Math.Max(1, parse.GetValue(limit)),
                    Alerts = alerts,
                    InstanceName = parse.GetValue(instance)!,
                });
                await app.RunAsync(cancel);
                return StoreOptions.Ok;
            }
            catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException
                                           or System.Data.Common.DbException)
            {
                // A port already taken, an unreadable key, the database gone while making the session key: say so in one
                // line rather than with a stack trace.
                await store.DisposeAsync();
                Console.Error.WriteLine($"cannot serve: {e.Message}");
                return StoreOptions.BadInput;
            }
        });
        return command;
    }
}
