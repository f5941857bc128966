using System.CommandLine;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Cli;

/// <summary><c>weightguard-aggregator init --data DIR [--db DATABASE] [--san NAME]…</c>: CA, keys, database, first admin token.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var data = StoreOptions.Data();
        var db = StoreOptions.Database();
        db.Description = "sqlite:PATH or postgres:CONNECTION-STRING (default: sqlite:DIR/aggregator.db); recorded for later commands";
        var sans = new Option<string[]>("--san")
        {
            Description = "Another DNS name or IP address agents reach this server by (localhost, 127.0.0.1, ::1 and the host name are always in)",
            HelpName = "NAME", AllowMultipleArgumentsPerToken = false,
        };
        var command = new Command("init", "Create the data directory: CA, server and signing keys, the database, and the first admin API token (printed once, on the last line)")
        {
            data, db, sans,
        };
        command.SetAction(async (parse, cancel) =>
        {
            var directory = new DataDirectory(parse.GetValue(data)!);
            var location = parse.GetValue(db) ?? "sqlite:" + Path.Combine(directory.Path, "aggregator.db");
            if (DatabaseLocation.Problem(location) is { } problem)
            {
                Console.Error.WriteLine(problem);
                return StoreOptions.BadInput;
            }
            try { directory.Initialize(location, parse.GetValue(sans) ?? [], DateTimeOffset.UtcNow); }
            catch (Exception e) when (e is InvalidOperationException or IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine(e.Message);
                return StoreOptions.BadInput;
            }
            await using var store = await StoreOptions.OpenAsync(directory, null, cancel);
            if (store is null) return StoreOptions.BadInput;
            var token = (await new ApiTokenLifecycle(store, new AuditLog(store, TimeProvider.System), TimeProvider.System).IssueAsync(
                AuditLog.CommandLine, AuditLog.CommandLine, "initial admin", Roles.Admin, ApiTokens.DefaultLifetime, cancel)).Token;
            Console.Out.WriteLine($"Initialised {directory.Path} (database {DatabaseLocation.Redact(location)}).");
            Console.Out.WriteLine($"CA certificate: {directory.CaCertificate}; put TPM manufacturer CA certificates in {directory.TpmCaDirectory}.");
            Console.Out.WriteLine($"The first admin API token follows (valid {ApiTokens.DefaultLifetime.TotalDays:0} days); it is shown only now:");
            Console.Out.WriteLine(token);
            return StoreOptions.Ok;
        });
        return command;
    }
}
