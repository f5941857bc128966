using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Hardening;

/// <summary>
/// The real <c>weightguard-aggregator</c> binary: <c>init</c> under umask 000 (D9: <c>tpm-ca/</c> was left 0777), and the
/// API-token lifecycle from the command line (D2) with its audit rows.
/// </summary>
[NonParallelizable]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CommandLineHardeningTests
{
    private string _directory = null!;
    private string Data => Path.Combine(_directory, "data");

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("weightguard-aggregator-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "weightguard-aggregator.dll"), .. args]);

    [Test]
    public void InitSetsEveryModeWhateverTheUmask()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "weightguard-aggregator.dll");
        var init = ExternalTool.Run("sh", ["-c", "umask 000 && exec dotnet \"$0\" init --data \"$1\"", dll, Data]);
        Assert.That(init.ExitCode, Is.EqualTo(0), init.Stderr);
        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        const UnixFileMode publicFile = ownerOnly | UnixFileMode.GroupRead | UnixFileMode.OtherRead;
        const UnixFileMode publicDirectory = publicFile | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        Assert.Multiple(() =>
        {
            Assert.That(File.GetUnixFileMode(Data), Is.EqualTo(ownerOnly | UnixFileMode.UserExecute));
            Assert.That(File.GetUnixFileMode(Path.Combine(Data, "tpm-ca")), Is.EqualTo(publicDirectory));
            foreach (var key in new[] { "ca.key", "server.key", "signing.key", "aggregator.json" })
                Assert.That(File.GetUnixFileMode(Path.Combine(Data, key)), Is.EqualTo(ownerOnly), key);
            foreach (var certificate in new[] { "ca.crt", "server.crt", "signing.crt" })
                Assert.That(File.GetUnixFileMode(Path.Combine(Data, certificate)), Is.EqualTo(publicFile), certificate);
        });
    }

    [Test]
    public async Task TokensAreListedAndRevokedFromTheCommandLineAndAudited()
    {
        Assert.That(Run("init", "--data", Data).ExitCode, Is.EqualTo(0));
        var created = Run("api-tokens", "create", "--data", Data, "--role", "auditor", "--name", "ann", "--expires", "30d");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Stderr);
        var token = created.Stdout.TrimEnd('\n').Split('\n')[^1];
        var id = ApiTokens.Id(token);

        var list = Run("api-tokens", "list", "--data", Data);
        Assert.That(list.ExitCode, Is.EqualTo(0), list.Stderr);
        var row = list.Stdout.Split('\n').Single(l => l.StartsWith(id, StringComparison.Ordinal));
        Assert.That(row, Does.Contain("ann").And.Contain("auditor").And.Contain("active").And.Contain("never"));
        Assert.That(list.Stdout, Does.Not.Contain(token));
        Assert.That(Run("api-tokens", "create", "--data", Data, "--role", "viewer", "--name", "x", "--expires", "400d").ExitCode, Is.EqualTo(2));

        var revoked = Run("api-tokens", "revoke", "--data", Data, "ann");
        Assert.That(revoked.ExitCode, Is.EqualTo(0), revoked.Stderr);
        Assert.That(revoked.Stdout, Does.Contain($"Revoked API token {id}"));
        var again = Run("api-tokens", "revoke", "--data", Data, id);
        Assert.That((again.ExitCode, again.Stderr.Trim().Split('\n').Length), Is.EqualTo((2, 1)), "one line, exit 2");
        Assert.That(Run("api-tokens", "list", "--data", Data).Stdout.Split('\n').Single(l => l.StartsWith(id, StringComparison.Ordinal)), Does.Contain("revoked"));

        await using var store = DatabaseLocation.Open(new DataDirectory(Data).RecordedDatabase());
        var actions = (await store.AuditAfterAsync(0, 100)).Select(r => (r.Action, r.Target)).ToList();
        Assert.That(actions, Is.EqualTo(new[]
        {
            ("api-token.created", actions[0].Target), ("api-token.created", id), ("api-token.revoked", id),
        }));
    }
}
