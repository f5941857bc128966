using WeightGuard.Core;
using System.CommandLine;
using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Enrollment;
using WeightGuard.Aggregator.Hosting;

namespace WeightGuard.Aggregator.Cli;

/// <summary>
/// <c>tokens create</c> (enrolment tokens for agents) and <c>api-tokens create</c> (bearer tokens for people); each
/// prints the new token alone on its last line, once.
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
        create.SetAction((parse, cancel) => WithStore(parse.GetValue(data)!, parse.GetValue(db), cancel, async (directory, store, now) =>
        {
            using var ca = directory.LoadCaCertificate();
            var token = await EnrollmentTokens.CreateAsync(store, ca.RawData, Durations.Parse(parse.GetValue(expires)!), parse.GetValue(uses), now, cancel);
            Console.Out.WriteLine($"Enrolment token for {parse.GetValue(uses)} agent(s), valid {parse.GetValue(expires)}:");
            return token.ToString();
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
        var create = new Command("create", "Create an API token for a person or a tool") { data, db, role, name };
        create.SetAction((parse, cancel) => WithStore(parse.GetValue(data)!, parse.GetValue(db), cancel, async (_, store, now) =>
        {
            var token = await ApiTokens.CreateAsync(store, parse.GetValue(name)!, parse.GetValue(role)!, now, cancel);
            Console.Out.WriteLine($"API token for {parse.GetValue(name)} ({parse.GetValue(role)}):");
            return token;
        }));
        return new Command("api-tokens", "Bearer tokens for people (viewer, auditor, admin)") { create };
    }

    /// <summary>Opens the store, runs <paramref name="issue"/> and prints the token it returns; bad input exits 2.</summary>
    private static async Task<int> WithStore(string dataPath, string? database, CancellationToken cancel,
        Func<DataDirectory, Storage.IAggregatorStore, DateTimeOffset, Task<string>> issue)
    {
        var directory = new DataDirectory(dataPath);
        await using var store = await StoreOptions.OpenAsync(directory, database, cancel);
        if (store is null) return StoreOptions.BadInput;
        try
        {
            Console.Out.WriteLine(await issue(directory, store, DateTimeOffset.UtcNow));
            return StoreOptions.Ok;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            Console.Error.WriteLine(e.Message);
            return StoreOptions.BadInput;
        }
    }
}
