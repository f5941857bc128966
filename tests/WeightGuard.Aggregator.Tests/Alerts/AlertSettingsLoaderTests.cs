using System.Text.Json.Nodes;
using WeightGuard.Aggregator.Alerts;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests.Alerts;

/// <summary>The <c>alerts</c> section of aggregator.json: a good one read whole, every hostile one refused with one line naming the setting.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class AlertSettingsLoaderTests
{
    private string _directory = null!;
    private string _secret = null!;

    [SetUp]
    public void SetUp()
    {
        _directory = Directory.CreateTempSubdirectory("weightguard-alerts-config-").FullName;
        _secret = Secret("0123456789abcdef0123456789abcdef\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_directory, recursive: true);

    private string Secret(string text, UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite, string name = "hook.secret")
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text);
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private string Config(string alerts)
    {
        var path = Path.Combine(_directory, "aggregator.json");
        File.WriteAllText(path, $$"""{"database": "sqlite:/tmp/x.db", "alerts": {{alerts}}}""");
        return path;
    }

    private string Hook(string extra = "", string? url = "https://hooks.example/weightguard?token=x") =>
        $$"""{"name": "soc", {{(url is null ? "" : $"\"url\": \"{url}\",")}} "secretFile": "{{_secret}}" {{extra}}}""";

    [Test]
    public void AFullSectionIsReadWithEveryValue()
    {
        var (settings, errors) = AlertSettingsLoader.Load(Config($$"""
            {"instance": "agg-eu-1", "sweepInterval": "30s", "retention": "30d",
             "webhooks": [{{Hook(""", "minSeverity": "error", "queueCapacity": 50, "attempts": 3, "initialDelay": "5s", "maxDelay": "1m", "timeout": "15s" """)}}],
             "syslog": [{"name": "siem", "transport": "tcp", "address": "siem.example:6514", "minSeverity": "info", "facility": "auth", "maxLength": 4096},
                        {"name": "local", "transport": "unix", "address": "/dev/log"},
                        {"name": "v6", "transport": "udp", "address": "[::1]:514"}]}
            """));
        Assert.That(errors, Is.Empty);
        var hook = settings!.Webhooks.Single();
        Assert.Multiple(() =>
        {
            Assert.That((settings.Instance, settings.SweepInterval, settings.Retention), Is.EqualTo(("agg-eu-1", TimeSpan.FromSeconds(30), TimeSpan.FromDays(30))));
            Assert.That(hook.Url, Is.EqualTo(new Uri("https://hooks.example/weightguard?token=x")));
            Assert.That(hook.Secret, Is.EqualTo("0123456789abcdef0123456789abcdef"u8.ToArray()), "the trailing newline is not part of the key");
            Assert.That((hook.MinimumSeverity, hook.QueueCapacity, hook.Attempts), Is.EqualTo((AlertSeverity.Error, 50, 3)));
            Assert.That((hook.InitialDelay, hook.MaxDelay, hook.Timeout), Is.EqualTo((TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(1), TimeSpan.FromSeconds(15))));
            Assert.That(settings.Syslog.Select(s => (s.Name, s.Destination, s.Facility, s.MinimumSeverity, s.MaxLength)), Is.EqualTo(new[]
            {
                ("siem", "tcp:siem.example:6514", 4, AlertSeverity.Info, 4096),
                ("local", "unix:/dev/log", 16, AlertSeverity.Warning, 2048),
                ("v6", "udp:[::1]:514", 16, AlertSeverity.Warning, 2048),
            }));
        });
    }

    [Test]
    public void NoSectionMeansNoSinks()
    {
        var path = Path.Combine(_directory, "aggregator.json");
        File.WriteAllText(path, """{"database": "sqlite:/tmp/x.db"}""");
        var (settings, errors) = AlertSettingsLoader.Load(path);
        Assert.That(errors, Is.Empty);
        Assert.That(settings!.Webhooks.Count + settings.Syslog.Count, Is.Zero);
    }

    [TestCase("http://hooks.example/x", "'hooks.example' is not a loopback address; webhooks to other machines must use https://")]
    [TestCase("http://10.0.0.5:8080/x", "'10.0.0.5' is not a loopback address")]
    [TestCase("ftp://hooks.example/x", "is not an http(s) URL")]
    [TestCase("hooks.example/x", "is not an http(s) URL")]
    [TestCase("https://user:password@hooks.example/x", "must not carry a user name or password")]
    public void ABadWebhookUrlIsRefused(string url, string message)
    {
        var (settings, errors) = AlertSettingsLoader.Load(Config($$"""{"webhooks": [{{Hook(url: url)}}]}"""));
        Assert.That(settings, Is.Null);
        Assert.That(errors.Single(), Does.StartWith(Path.Combine(_directory, "aggregator.json") + ": alerts.webhooks[0].url: ").And.Contain(message));
    }

    [TestCase("http://127.0.0.1:9000/hook")]
    [TestCase("http://[::1]:9000/hook")]
    [TestCase("http://localhost/hook")]
    public void PlainHttpToLoopbackIsAllowed(string url) =>
        Assert.That(AlertSettingsLoader.Load(Config($$"""{"webhooks": [{{Hook(url: url)}}]}""")).Errors, Is.Empty);

    [Test]
    public void ARelativeSecretFileIsReadBesideTheSettings()
    {
        var (settings, errors) = AlertSettingsLoader.Load(Config("""{"webhooks": [{"name": "soc", "url": "https://h.example/", "secretFile": "hook.secret"}]}"""));
        Assert.That(errors, Is.Empty);
        Assert.That(settings!.Webhooks.Single().Secret, Has.Length.EqualTo(32));
    }

    [Test]
    public void AMissingSecretFileIsRefusedByName()
    {
        var missing = Path.Combine(_directory, "nope.secret");
        var (_, errors) = AlertSettingsLoader.Load(Config($$"""{"webhooks": [{"name": "soc", "url": "https://h.example/", "secretFile": "{{missing}}"}]}"""));
        Assert.That(errors.Single(), Does.EndWith($"alerts.webhooks[0].secretFile: {missing}: no such file"));
    }

    [Test]
    public void ASecretReadableByEveryoneIsRefusedWithoutBeingRead()
    {
        _secret = Secret("0123456789abcdef0123456789abcdef", UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.OtherRead);
        var errors = AlertSettingsLoader.Load(Config($$"""{"webhooks": [{{Hook()}}]}""")).Errors;
        Assert.That(errors.Single(), Does.Contain("is readable by every user").And.Not.Contain("0123456789abcdef0123"));
    }

    [TestCase("")]
    [TestCase("short\n")]
    public void AShortSecretIsRefused(string secret)
    {
        _secret = Secret(secret);
        Assert.That(AlertSettingsLoader.Load(Config($$"""{"webhooks": [{{Hook()}}]}""")).Errors.Single(), Does.Contain("a webhook secret needs at least 16"));
    }

    [Test]
    public void ASecretThatIsNotARegularFileIsRefused()
    {
        var errors = AlertSettingsLoader.Load(Config($$"""{"webhooks": [{"name": "soc", "url": "https://h.example/", "secretFile": "{{_directory}}"}]}""")).Errors;
        Assert.That(errors.Single(), Does.Contain("alerts.webhooks[0].secretFile:"));
    }

    [TestCase("""{"webhook": []}""", "alerts: unknown setting 'webhook'")]
    [TestCase("""{"webhooks": {}}""", "alerts.webhooks: expected a list")]
    [TestCase("""{"webhooks": [null]}""", "alerts.webhooks[0]: null")]
    [TestCase("""{"webhooks": [7]}""", "alerts.webhooks[0]: expected an object")]
    [TestCase("""{"sweepInterval": "soon"}""", "alerts.sweepInterval: 'soon' is not a duration")]
    [TestCase("""{"instance": "agg 1\n"}""", "alerts.instance: 'agg 1?' must be 1 to 64 of")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "tls", "address": "h:1"}]}""", "alerts.syslog[0].transport: 'tls' is none of udp, tcp, unix")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "udp", "address": "siem.example"}]}""", "alerts.syslog[0].address: 'siem.example' is not HOST:PORT")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "udp", "address": "siem.example:70000"}]}""", "is not HOST:PORT")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "unix", "address": "dev/log"}]}""", "alerts.syslog[0].address: a Unix socket is named by its absolute path")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "udp", "address": "h:514", "facility": "local9"}]}""", "alerts.syslog[0].facility: 'local9' is not a syslog facility")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "udp", "address": "h:514", "maxLength": 100}]}""", "alerts.syslog[0].maxLength: expected a whole number from 1024 to 65507")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "udp", "address": "h:514", "minSeverity": "panic"}]}""", "alerts.syslog[0].minSeverity: 'panic' is none of info, warning, error, critical")]
    [TestCase("""{"syslog": [{"transport": "udp", "address": "h:514"}]}""", "alerts.syslog[0].name: required")]
    [TestCase("""{"syslog": [{"name": "s", "transport": "udp", "address": "h:514"}, {"name": "s", "transport": "udp", "address": "h:515"}]}""", "the sink name 's' is used more than once")]
    public void AHostileSectionIsRefusedInOneLine(string alerts, string message)
    {
        var (settings, errors) = AlertSettingsLoader.Load(Config(alerts));
        Assert.That(settings, Is.Null);
        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Does.Contain(message));
        Assert.That(errors[0], Does.Not.Contain("\n"));
    }

    [Test]
    public void EveryProblemIsReportedNotJustTheFirst()
    {
        var errors = AlertSettingsLoader.Load(Config("""{"webhooks": [{"name": "a", "url": "http://example.org/"}], "syslog": [{"name": "b", "transport": "x"}]}""")).Errors;
        Assert.That(errors, Has.Count.EqualTo(4), string.Join("\n", errors));
    }

    [Test]
    public void MalformedJsonIsOneLine()
    {
        var path = Path.Combine(_directory, "aggregator.json");
        File.WriteAllText(path, """{"alerts": {"webhooks": [""");
        var errors = AlertSettingsLoader.Load(path).Errors;
        Assert.That(errors.Single(), Does.StartWith(path + ": "));
    }

    [Test]
    public void ServeWithAHostileAlertsSectionExits2BeforeListening()
    {
        var data = Path.Combine(_directory, "data");
        Assert.That(Run("init", "--data", data).ExitCode, Is.EqualTo(0));
        var settings = Path.Combine(data, "aggregator.json");
        var json = JsonNode.Parse(File.ReadAllText(settings))!;
        json["alerts"] = JsonNode.Parse($$"""{"webhooks": [{"name": "soc", "url": "https://hooks.example/x", "secretFile": "{{Path.Combine(_directory, "missing.secret")}}"}]}""");
        File.WriteAllText(settings, json.ToJsonString());
        var result = Run("serve", "--data", data, "--urls", "https://127.0.0.1:0");
        Assert.That(result.ExitCode, Is.EqualTo(2));
        Assert.That(result.Stderr.TrimEnd('\n'), Is.EqualTo($"{settings}: alerts.webhooks[0].secretFile: {Path.Combine(_directory, "missing.secret")}: no such file"));
    }

    private static (int ExitCode, string Stdout, string Stderr) Run(params string[] args) =>
        ExternalTool.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "weightguard-aggregator.dll"), .. args]);
}
