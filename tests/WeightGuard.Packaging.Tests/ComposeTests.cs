using System.Text.RegularExpressions;
using WeightGuard.Testing;
using YamlDotNet.RepresentationModel;

namespace WeightGuard.Packaging.Tests;

/// <summary>
/// The scale-out compose file (docs/scale-out.md). No compose validator is available offline, so this parses it and
/// checks that its parts refer to each other: services, volumes, secrets, the load balancer's backends and the
/// database the aggregators are initialised with.
/// </summary>
public sealed partial class ComposeTests
{
    private static readonly string Directory = Path.Combine(RepoPaths.Root, "packaging", "compose");

    private static readonly YamlMappingNode Compose = YamlFile.Documents(File.ReadAllText(Path.Combine(Directory, "docker-compose.yml"))).Single();

    private static IReadOnlyDictionary<string, YamlNode> Services =>
        ((YamlMappingNode)Compose.At("services")!).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => kv.Value);

    private static IReadOnlyList<string> Command(YamlNode service) => service.Items("command").Select(c => ((YamlScalarNode)c).Value!).ToList();

    private static string? Option(IReadOnlyList<string> command, string name) =>
        command.Select((arg, i) => (arg, i)).Where(x => x.arg == name && x.i + 1 < command.Count).Select(x => command[x.i + 1]).FirstOrDefault();

    /// <summary>The services running <c>serve</c>: the aggregator instances.</summary>
    private static IReadOnlyDictionary<string, YamlNode> Instances =>
        Services.Where(s => Command(s.Value).FirstOrDefault() == "serve").ToDictionary(s => s.Key, s => s.Value);

    private static IEnumerable<string> Names(YamlNode? node) => node switch
    {
        YamlSequenceNode list => list.Children.Select(c => ((YamlScalarNode)c).Value!),
        YamlMappingNode map => map.Children.Keys.Select(k => ((YamlScalarNode)k).Value!),
        _ => [],
    };

    [Test]
    public void Every_dependency_volume_and_secret_a_service_names_is_declared()
    {
        var volumes = Names(Compose.At("volumes")).ToHashSet();
        var secrets = Names(Compose.At("secrets")).ToHashSet();
        Assert.Multiple(() =>
        {
            foreach (var (name, service) in Services)
            {
                Assert.That(Names(service.At("depends_on")), Is.SubsetOf(Services.Keys), $"{name}: depends_on");
                Assert.That(Names(service.At("secrets")), Is.SubsetOf(secrets), $"{name}: secrets");
                foreach (var source in service.Items("volumes").Select(v => ((YamlScalarNode)v).Value!.Split(':')[0]))
                {
                    if (source.StartsWith('.')) Assert.That(File.Exists(Path.Combine(Directory, source)), $"{name}: {source} exists beside the compose file");
                    else Assert.That(volumes, Does.Contain(source), $"{name}: volume {source}");
                }
            }
        });
    }

    [Test]
    public void Several_named_instances_serve_one_read_only_data_directory()
    {
        Assert.That(Instances, Has.Count.GreaterThanOrEqualTo(2));
        var names = Instances.Values.Select(s => Option(Command(s), "--instance-name")).ToList();
        Assert.That(names, Is.Unique.And.Not.Contains(null), "each instance has its own --instance-name");
        Assert.Multiple(() =>
        {
            foreach (var (name, service) in Instances)
            {
                Assert.That(Option(Command(service), "--data"), Is.EqualTo("/data"), name);
                Assert.That(service.Items("volumes").Select(v => ((YamlScalarNode)v).Value), Is.EqualTo(new[] { "aggregator-data:/data:ro" }), name);
                Assert.That(Names(service.At("depends_on")), Does.Contain("postgres"), name);
            }
        });
    }

    [Test]
    public void Init_records_the_compose_database_with_its_password_from_a_secret()
    {
        var init = Services["init"];
        Assert.That(init.Items("volumes").Select(v => ((YamlScalarNode)v).Value), Is.EqualTo(new[] { "aggregator-data:/data" }), "init writes what instances read");
        var database = Option(Command(init), "--db")!;
        Assert.That(database, Does.StartWith("postgres:"));
        var settings = database["postgres:".Length..].Split(';').Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        var postgres = Services[settings["Host"]];
        Assert.That(postgres.Scalar("image"), Does.StartWith("postgres:"));
        Assert.That(settings["Database"], Is.EqualTo(postgres.Scalar("environment", "POSTGRES_DB")));
        Assert.That(settings["Username"], Is.EqualTo(postgres.Scalar("environment", "POSTGRES_USER")));
        Assert.That(settings, Does.Not.ContainKey("Password"), "no password in the command line or aggregator.json");
        Assert.That(settings["Passfile"], Is.EqualTo("/run/secrets/pgpass"));
        Assert.That(Instances.Values.Append(init).Select(s => Names(s.At("secrets"))), Is.All.Contains("pgpass"));
    }

    [Test]
    public void Load_balancer_passes_tls_through_to_every_instance_and_no_instance_publishes_a_port()
    {
        var config = File.ReadAllText(Path.Combine(Directory, "haproxy.cfg"));
        Assert.That(config, Does.Match(@"(?m)^\s*mode tcp$"), "TCP passthrough: TLS and client certificates end at the aggregators");
        Assert.That(config, Does.Not.Contain("ssl"), "the balancer holds no certificate");
        var backends = Server().Matches(config).Select(m => (m.Groups[1].Value, int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture)));
        var instances = Instances.Select(i => (i.Key, new Uri(Option(Command(i.Value), "--urls")!).Port));
        Assert.That(backends, Is.EquivalentTo(instances));
        Assert.That(Instances.Values.Select(s => s.At("ports")), Is.All.Null, "agents reach instances through the balancer only");
        Assert.That(Services["loadbalancer"].Items("ports").Select(p => ((YamlScalarNode)p).Value), Is.EqualTo(new[] { "8443:8443" }));
    }

    [Test]
    public void Images_are_built_from_the_aggregators_containerfile()
    {
        var builds = Services.Values.Select(s => s.Scalar("build", "dockerfile")).Where(d => d is not null).Distinct().ToList();
        Assert.That(builds, Is.EqualTo(new[] { "packaging/aggregator/Containerfile" }));
        Assert.That(File.Exists(Path.Combine(Directory, Services.Values.First(s => s.At("build") is not null).Scalar("build", "context")!, builds[0]!)));
    }

    [GeneratedRegex(@"(?m)^\s*server\s+(\S+)\s+\1:(\d+)\b")]
    private static partial Regex Server();
}
