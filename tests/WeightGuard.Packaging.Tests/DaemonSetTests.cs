using WeightGuard.Testing;
using YamlDotNet.RepresentationModel;

namespace WeightGuard.Packaging.Tests;

/// <summary>The Kubernetes DaemonSet: what it may touch on the node and with which powers.</summary>
public sealed class DaemonSetTests
{
    private static readonly IReadOnlyList<YamlMappingNode> Manifests =
        YamlFile.Documents(File.ReadAllText(Path.Combine(RepoPaths.Root, "packaging/kubernetes/daemonset.yaml")));

    /// <summary>The one manifest of this kind.</summary>
    public static YamlMappingNode Manifest(string kind) => Manifests.Single(m => m.Scalar("kind") == kind);

    private static YamlNode Pod => Manifest("DaemonSet").At("spec", "template", "spec")!;

    private static IEnumerable<YamlNode> AllContainers => Pod.Items("initContainers").Concat(Pod.Items("containers"));

    private static YamlNode Agent => Pod.Items("containers").Single(c => c.Scalar("name") == "agent");

    private static YamlNode HostPathVolume(string name) =>
        Pod.Items("volumes").Single(v => v.Scalar("name") == name).At("hostPath") ?? throw new AssertionException($"{name} is not a hostPath");

    private static IEnumerable<(YamlNode Mount, string HostPath)> HostMounts(YamlNode container) =>
        container.Items("volumeMounts")
            .Select(m => (m, Pod.Items("volumes").Single(v => v.Scalar("name") == m.Scalar("name")).Scalar("hostPath", "path")))
            .Where(x => x.Item2 is not null)
            .Select(x => (x.m, x.Item2!));

    [Test]
    public void Declares_namespace_account_configuration_and_daemonset()
    {
        Assert.That(Manifests.Select(m => m.Scalar("kind")),
            Is.EquivalentTo(new[] { "Namespace", "ServiceAccount", "ConfigMap", "DaemonSet" }));
        Assert.That(Manifests.Skip(1).Select(m => m.Scalar("metadata", "namespace")), Is.All.EqualTo(Manifest("Namespace").Scalar("metadata", "name")));
    }

    [Test]
    public void Pod_shares_no_host_namespace_and_holds_no_api_token()
    {
        Assert.Multiple(() =>
        {
            foreach (var key in new[] { "hostPID", "hostIPC", "hostNetwork" })
                Assert.That(Pod.Scalar(key), Is.Null.Or.EqualTo("false"), key);
            Assert.That(Pod.Scalar("automountServiceAccountToken"), Is.EqualTo("false"));
            Assert.That(Manifest("ServiceAccount").Scalar("automountServiceAccountToken"), Is.EqualTo("false"));
        });
    }

    [Test]
    public void Every_container_is_unprivileged_with_a_read_only_root_and_only_read_search_added()
    {
        Assert.That(AllContainers.Count(), Is.EqualTo(2));
        Assert.Multiple(() =>
        {
            foreach (var container in AllContainers)
            {
                var name = container.Scalar("name");
                var security = container.At("securityContext")!;
                Assert.That(security.Scalar("privileged"), Is.Null.Or.EqualTo("false"), name);
                Assert.That(security.Scalar("allowPrivilegeEscalation"), Is.EqualTo("false"), name);
                Assert.That(security.Scalar("readOnlyRootFilesystem"), Is.EqualTo("true"), name);
                Assert.That(security.Items("capabilities", "drop").Select(n => n.ToString()), Is.EqualTo(new[] { "ALL" }), name);
                Assert.That(security.Items("capabilities", "add").Select(n => n.ToString()), Is.EqualTo(new[] { "DAC_READ_SEARCH" }), name);
                Assert.That(container.Scalar("resources", "limits", "cpu"), Is.Not.Null, name);
                Assert.That(container.Scalar("resources", "limits", "memory"), Is.Not.Null, name);
            }
        });
    }

    [Test]
    public void Every_host_mount_but_the_state_directory_is_read_only()
    {
        var mounts = AllContainers.SelectMany(HostMounts).ToList();
        Assert.That(mounts, Is.Not.Empty);
        Assert.Multiple(() =>
        {
            foreach (var (mount, hostPath) in mounts)
                if (hostPath == "/var/lib/weightguard") Assert.That(mount.Scalar("readOnly"), Is.Null.Or.EqualTo("false"));
                else Assert.That(mount.Scalar("readOnly"), Is.EqualTo("true"), hostPath);
        });
    }

    [Test]
    public void Node_root_is_mounted_read_only_recursively_so_its_sub_mounts_are_too()
    {
        var (mount, _) = HostMounts(Agent).Single(m => m.HostPath == "/");
        Assert.That(mount.Scalar("recursiveReadOnly"), Is.AnyOf("IfPossible", "Enabled"));
        Assert.That(Agent.Items("args").Select(n => n.ToString()), Is.SupersetOf(new[] { "agent", "run", "--root", mount.Scalar("mountPath") }));
    }

    [TestCase("/proc")]
    [TestCase("/sys")]
    [TestCase("/dev/tpmrm0")]
    [TestCase("/models")]
    public void Agent_reads_the_node_path_through_a_read_only_mount(string nodePath)
    {
        var covering = HostMounts(Agent).Where(m => nodePath == m.HostPath || nodePath.StartsWith(m.HostPath.TrimEnd('/') + "/")).ToList();
        Assert.That(covering, Is.Not.Empty);
        Assert.That(covering.Select(m => m.Mount.Scalar("readOnly")), Is.All.EqualTo("true"));
    }

    [Test]
    public void Enrolment_token_secret_is_optional_once_the_node_holds_an_identity()
    {
        var secret = Pod.Items("volumes").Single(v => v.Scalar("name") == "enrolment").At("secret")!;
        Assert.That(secret.Scalar("optional"), Is.EqualTo("true"));
        Assert.That(Pod.Items("initContainers").Single().Items("volumeMounts").Select(m => m.Scalar("name")), Does.Contain("enrolment"));
        Assert.That(Agent.Items("volumeMounts").Select(m => m.Scalar("name")), Does.Not.Contain("enrolment"));
    }

    [Test]
    public void State_survives_pod_restarts_on_the_node() =>
        Assert.That(HostPathVolume("state").Scalar("path"), Is.EqualTo("/var/lib/weightguard"));

    [Test]
    public void Runs_on_gpu_nodes_including_tainted_ones()
    {
        Assert.That(Pod.At("nodeSelector"), Is.Not.Null);
        Assert.That(Pod.Items("tolerations").Select(t => t.Scalar("key")), Does.Contain("nvidia.com/gpu"));
    }

    [Test]
    public void Agent_runs_with_the_config_map_configuration()
    {
        var configPath = Agent.Items("args").Select(n => n.ToString()).SkipWhile(a => a != "--config").Skip(1).First();
        var mount = Agent.Items("volumeMounts").Single(m => m.Scalar("mountPath") == configPath);
        var volume = Pod.Items("volumes").Single(v => v.Scalar("name") == mount.Scalar("name"));
        Assert.That(volume.Scalar("configMap", "name"), Is.EqualTo(Manifest("ConfigMap").Scalar("metadata", "name")));
        Assert.That(Manifest("ConfigMap").Scalar("data", mount.Scalar("subPath")!), Is.Not.Null);
    }
}
