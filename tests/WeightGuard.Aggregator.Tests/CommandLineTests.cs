using WeightGuard.Aggregator.Api;
using WeightGuard.Aggregator.Hosting;
using WeightGuard.Aggregator.Storage;
using WeightGuard.Core.Protocol;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests;

/// <summary>The real <c>weightguard-aggregator</c> binary: init, tokens, api-tokens, usage errors.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class CommandLineTests
{
    private string _directory = null!;
    private string Data => Path.Combine(_directory, "data");

    [SetUp]
    public void SetUp() => _directory = Directory.CreateTempSubdirectory("weightguard-aggregator-cli-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "weightguard-aggregator.dll"), .. args]);

    private static string LastLine(string text) => text.TrimEnd('\n').Split('\n')[^1];

    [Test]
    public async Task InitCreatesOwnerOnlyKeysAndPrintsAWorkingAdminTokenLast()
    {
        var init = Run("init", "--data", Data, "--san", "aggregator.example");
        Assert.That(init.ExitCode, Is.EqualTo(0), init.Stderr);
        var token = LastLine(init.Stdout);
        Assert.That(token, Does.StartWith("wgp_"));
        Assert.That(File.GetUnixFileMode(Data), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        foreach (var key in new[] { "ca.key", "server.key", "signing.key", "aggregator.json" })
            Assert.That(File.GetUnixFileMode(Path.Combine(Data, key)), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite), key);

        var data = new DataDirectory(Data);
        using var server = data.LoadServerCertificate();
        using var ca = data.LoadCa();
        Assert.That(ca.Issued(server));
        var sans = server.Extensions.OfType<System.Security.Cryptography.X509Certificates.X509SubjectAlternativeNameExtension>().Single();
        Assert.That(sans.EnumerateDnsNames(), Does.Contain("localhost").And.Contain("aggregator.example"));

        await using var store = DatabaseLocation.Open(data.RecordedDatabase());
        var admin = (await store.FindApiTokenAsync(ApiTokens.Hash(token)))!;
        Assert.That((admin.TokenId, admin.Name, admin.Role), Is.EqualTo((ApiTokens.Id(token), "initial admin", Roles.Admin)));
        Assert.That(admin.ExpiresAt - admin.CreatedAt, Is.EqualTo(ApiTokens.DefaultLifetime));
    }

    [Test]
    public void InitRefusesToReplaceAnExistingCa()
    {
        Assert.That(Run("init", "--data", Data).ExitCode, Is.EqualTo(0));
        var again = Run("init", "--data", Data);
        Assert.That(again.ExitCode, Is.EqualTo(2));
        Assert.That(again.Stderr, Does.Contain("already holds an aggregator CA"));
    }

    [Test]
    public async Task TokensCreatePrintsATokenPinningTheCaLast()
    {
        Assert.That(Run("init", "--data", Data).ExitCode, Is.EqualTo(0));
        var created = Run("tokens", "create", "--data", Data, "--expires", "24h", "--uses", "3");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Stderr);
        var token = EnrollmentToken.Parse(LastLine(created.Stdout));
        var data = new DataDirectory(Data);
        using (var ca = data.LoadCaCertificate())
            Assert.That(token.Pins(ca.RawData));
        await using var store = DatabaseLocation.Open(data.RecordedDatabase());
        for (var i = 0; i < 3; i++) Assert.That(await store.ConsumeEnrollmentTokenAsync(token.SecretHash, DateTimeOffset.UtcNow), Is.True);
        Assert.That(await store.ConsumeEnrollmentTokenAsync(token.SecretHash, DateTimeOffset.UtcNow), Is.False);
    }

    [Test]
    public void ApiTokensCreatePrintsTheTokenLast()
    {
        Assert.That(Run("init", "--data", Data).ExitCode, Is.EqualTo(0));
        var created = Run("api-tokens", "create", "--data", Data, "--role", "viewer", "--name", "dashboard");
        Assert.That(created.ExitCode, Is.EqualTo(0), created.Stderr);
        Assert.That(LastLine(created.Stdout), Does.StartWith("wgp_"));
    }

    [TestCase("tokens", "create", "--expires", "soon")]
    [TestCase("tokens", "create", "--expires", "365d")]
    [TestCase("api-tokens", "create", "--role", "root", "--name", "x")]
    public void BadOptionsExit2(params string[] args)
    {
        Assert.That(Run("init", "--data", Data).ExitCode, Is.EqualTo(0));
        var result = Run([.. args, "--data", Data]);
        Assert.That(result.ExitCode, Is.EqualTo(2), result.Stdout);
        Assert.That(result.Stderr, Is.Not.Empty);
    }

    [Test]
    public void CommandsOnAnUninitialisedDirectoryExit2()
    {
        var result = Run("tokens", "create", "--data", Data);
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("not an aggregator data directory"));
    }

    [Test]
    public void ServeOnAPortAlreadyTakenExits2WithOneLine()
    {
        Assert.That(Run("init", "--data", Data).ExitCode, Is.EqualTo(0));
        var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var result = Run("serve", "--data", Data, "--urls", $"https://127.0.0.1:{((System.Net.IPEndPoint)taken.LocalEndpoint).Port}");
            Assert.That(result.ExitCode, Is.EqualTo(2));
            Assert.That(result.Stderr, Does.StartWith("cannot serve:").And.Contains("address already in use"));
        }
        finally { taken.Stop(); }
    }

    [Test]
    public void ServeRefusesPlainHttp()
    {
        Assert.That(Run("init", "--data", Data).ExitCode, Is.EqualTo(0));
        var result = Run("serve", "--data", Data, "--urls", "http://127.0.0.1:8080");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("https:// addresses only"));
    }

    [Test]
    public void BadDatabaseLocationExits2()
    {
        var result = Run("init", "--data", Data, "--db", "mysql:somewhere");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr, Does.Contain("neither sqlite:PATH nor postgres:"));
    }

    // D9: init under umask 000 left tpm-ca/ 0777; D2: the token lifecycle from the command line, audited.
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
