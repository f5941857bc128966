using WeightGuard.Core;
using System.CommandLine;
using System.Globalization;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Audit;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;

namespace WeightGuard.Aggregator.Cli;

/// <summary>
/// <c>tokens create</c> (enrolment tokens for agents) and <c>api-tokens create|list|revoke</c> (bearer tokens for
/// people). A created token is printed alone on the last line, once; each action is recorded in the audit log.
/// </summary>
internal static class TokensCommand
{
    public static Command CreateEnrollment()
    {
        var data = StoreOptions.Data();
        var db = StoreOptions.Database();
        var expires = new Option<string>("--expires") { Description = "Lifetime: 30m, 24h, 7d (at most 30d)", HelpName = "DURATION", DefaultValueFactory = _ => "24h" };
        var uses = new Option<int>("--uses") { Description = "How many agents may enrol with it", HelpName = "N", DefaultValueFactory = _ => 1 };
        var create = new Command("create", "Create an enrolment token for 'weightguard enroll'") { data, db, expires, uses };
        create.SetAction((parse, cancel) => WithStore(parse.GetValue(data)!, parse.GetValue(db), cancel, async (directory, store, audit) =>
        {
            using var ca = directory.LoadCaCertificate();
            var lifetime = Durations.Parse(parse.GetValue(expires)!);
            var token = await EnrollmentTokens.CreateAsync(store, ca.RawData, lifetime, parse.GetValue(uses), DateTimeOffset.UtcNow, cancel);
            await audit.RecordAsync(AuditLog.CommandLine, AuditActions.EnrollmentTokenCreated, $"{parse.GetValue(uses)} use(s)",
                $"expires {DateTimeOffset.UtcNow + lifetime:yyyy-MM-ddTHH:mm:ssZ}", AuditLog.CommandLine, cancel);
            Console.Out.WriteLine($"Enrolment token for {parse.GetValue(uses)} agent(s), valid {parse.GetValue(expires)}:");
            Console.Out.WriteLine(token.ToString());
        }));
        return new Command("tokens", "Enrolment tokens for agents") { create };
    }

    public static Command CreateApi()
    {
        var data = StoreOptions.Data();
        var db = StoreOptions.Database();
        var role = new Option<string>("--role") { Description = "viewer, auditor or admin", HelpName = "ROLE", Required = true };
        role.AcceptOnlyFromAmong([.. Roles.All]);
        var name = new Option<string>("--name") { Description = "Who or what holds the token", HelpName = "NAME", Required = true };
        var expires = new Option<string>("--expires")
        {
            Description = $"Lifetime: 12h, 30d… (at most {ApiTokens.MaxLifetime.TotalDays:0}d)", HelpName = "DURATION",
            DefaultValueFactory = _ => $"{ApiTokens.DefaultLifetime.TotalDays:0}d",
        };
        var create = new Command("create", "Create an API token for a person or a tool") { data, db, role, name, expires };
        create.SetAction((parse, cancel) => WithStore(parse.GetValue(data)!, parse.GetValue(db), cancel, async (_, store, audit) =>
        {
            var issued = await new ApiTokenLifecycle(store, audit, TimeProvider.System).IssueAsync(AuditLog.CommandLine, AuditLog.CommandLine,
                parse.GetValue(name)!, parse.GetValue(role)!, Durations.Parse(parse.GetValue(expires)), cancel);
            var r = issued.Record;
            Console.Out.WriteLine($"API token {r.TokenId} for {r.Name} ({r.Role}), valid until {r.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}:");
            Console.Out.WriteLine(issued.Token);
        }));

        var listData = StoreOptions.Data();
        var listDb = StoreOptions.Database();
        var list = new Command("list", "List API tokens: id, name, role, state, created, expires, last used (never the secret)") { listData, listDb };
        list.SetAction((parse, cancel) => WithStore(parse.GetValue(listData)!, parse.GetValue(listDb), cancel, async (_, store, _) =>
        {
            var now = DateTimeOffset.UtcNow;
            Console.Out.WriteLine("ID                NAME                 ROLE     STATE    CREATED           EXPIRES           LAST USED");
            foreach (var t in (await store.ListApiTokensAsync(cancel)).Select(t => ApiTokenView.Of(t, now)))
                Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{t.Id,-17} {Printable(t.Name),-20} {t.Role,-8} {t.State,-8} {t.CreatedAt:yyyy-MM-dd HH:mm}  {t.ExpiresAt:yyyy-MM-dd HH:mm}  {(t.LastUsedAt is { } u ? u.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "never")}"));
        }));

        var revokeData = StoreOptions.Data();
        var revokeDb = StoreOptions.Database();
        var target = new Argument<string>("ID-OR-NAME") { Description = "The token's id (from 'list'), or a name: every unrevoked token of that name" };
        var revoke = new Command("revoke", "Revoke API tokens at once: requests and dashboard sessions using them stop") { revokeData, revokeDb, target };
        revoke.SetAction((parse, cancel) => WithStore(parse.GetValue(revokeData)!, parse.GetValue(revokeDb), cancel, async (_, store, audit) =>
        {
            var revoked = await new ApiTokenLifecycle(store, audit, TimeProvider.System).RevokeAsync(AuditLog.CommandLine, AuditLog.CommandLine,
                parse.GetValue(target)!, cancel);
            if (revoked.Count == 0) throw new ArgumentException($"no unrevoked API token has the id or name '{Printable(parse.GetValue(target)!)}'");
            foreach (var t in revoked) Console.Out.WriteLine($"Revoked API token {t.TokenId} ({Printable(t.Name)}, {t.Role}).");
        }));
        return new Command("api-tokens", "Bearer tokens for people (viewer, auditor, admin): create, list, revoke") { create, list, revoke };
    }

    /// <summary>Opens the store and runs <paramref name="act"/>; bad input exits 2 with one line.</summary>
    private static async Task<int> WithStore(string dataPath, string? database, CancellationToken cancel, Func<DataDirectory, IAggregatorStore, AuditLog, Task> act)
    {
        var directory = new DataDirectory(dataPath);
        await using var store = await StoreOptions.OpenAsync(directory, database, cancel);
        if (store is null) return StoreOptions.BadInput;
        try
        {
            await act(directory, store, new AuditLog(store, TimeProvider.System));
            return StoreOptions.Ok;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            Console.Error.WriteLine(e.Message);
            return StoreOptions.BadInput;
        }
    }

    /// <summary>Names come from people: never let one drive the terminal.</summary>
    private static string Printable(string text) => new(text.Select(c => char.IsControl(c) ? '?' : c).ToArray());
}
