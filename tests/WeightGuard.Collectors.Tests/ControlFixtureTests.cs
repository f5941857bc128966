using System.Text.Json;
using WeightGuard.Collectors.Weights.Manifests;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Evaluation;
using WeightGuard.Collectors.Tests.Disk;
using WeightGuard.Collectors.Tpm;
using WeightGuard.Core.Reports;
using WeightGuard.Testing;
using WeightGuard.Tpm;
using WeightGuard.Tpm.EventLog;
using WeightGuard.Tpm.Transport;
using YamlDotNet.RepresentationModel;

namespace WeightGuard.Collectors.Tests;

/// <summary>
/// Every automated control of the catalogue against its own host trees: <c>tests/fixtures/controls/ID/pass/</c> must
/// pass and <c>ID/fail/</c> must fail, with evidence collected from the tree exactly as <c>weightguard scan --root</c>
/// collects it. Manual controls judge no host and have no trees; Windows-only controls are judged from CIM and the
/// registry of the running host, which no tree holds (see <see cref="ControlFixtures.NeedsFixtures"/>).
/// </summary>
/// <remarks>
/// Git keeps neither owners nor modes, so a tree may have a manifest beside it (<c>ID/pass.yaml</c>): <c>base</c> (trees
/// under <c>_base/</c> copied first), <c>copy</c> (directories of <c>tests/fixtures</c>, such as real nvidia-smi recordings, copied
/// to host paths), <c>tpm: swtpm</c> (collect from the run's swtpm instead of no TPM), <c>params</c> (check parameters a profile would set, e.g. <c>require-weights</c>), <c>weights</c> (the weight paths, default <c>/models</c>), <c>modes</c>,
/// <c>owners</c> (<c>uid:gid</c>) and <c>acl</c> (setfacl entries) by host path, <c>manifests</c> and <c>manifest-signers</c>
/// (signed weight manifests in the tree and the certificates trusted to sign them, as <c>scan --manifest</c> gives them), and
/// <c>luks</c>: device nodes that get a
/// LUKS header written by <c>cryptsetup luksFormat</c> at test time (<c>format</c>: its arguments, e.g. a fixed
/// <c>--uuid</c> that the tree's <c>dm/uuid</c> names; <c>tokens</c>: token JSON to import; <c>add-keys</c>: extra
/// passphrase slots); with <c>tpm: swtpm</c>, <c>tpm-reset</c> (PCRs reset first; 16 and 23 are resettable at locality 0)
/// and <c>tpm-extend-log</c> (the tree's firmware event log extended into the simulator, so the log replays to it).
/// </remarks>
[NonParallelizable]
public class ControlFixtureTests
{
    private static readonly string Fixtures = Path.Combine(RepoPaths.Root, ControlFixtures.RepositoryPath);
    private static readonly Catalog Catalog = CatalogLoader.LoadDirectory(RepoPaths.Root).Catalog
        ?? throw new InvalidOperationException("the repository's catalogue does not load; run weightguard controls validate");

    public static IEnumerable<TestCaseData> Cases() => Catalog.Controls.Values
        .Where(ControlFixtures.NeedsFixtures)
        .SelectMany(c => ControlFixtures.Outcomes.Select(o => new TestCaseData(c.Id, o).SetName($"{c.Id} {o}s on its {o} tree")));

    [OneTimeTearDown]
    public void StopSimulator() => Swtpm.StopShared();

    /// <summary>Every automated Linux control has both trees.</summary>
    [Test]
    public void EveryAutomatedLinuxControlHasAPassAndAFailTree() =>
        Assert.That(ControlFixtures.Missing(Catalog, Fixtures).Select(e => e.Message), Is.Empty);

    [TestCaseSource(nameof(Cases))]
    public void ControlJudgesItsTree(string id, string outcome)
    {
        var dir = Path.Combine(Fixtures, id, outcome);
        if (!Directory.Exists(dir)) Assert.Fail($"{id} has no {outcome} tree at {dir}");
        HostTree.RequireRoot();
        using var tree = new HostTree();
        var manifest = Manifest(Path.Combine(Fixtures, id, outcome + ".yaml"));
        foreach (var b in manifest.Base)
        {
            CopyTree(Path.Combine(Fixtures, "_base", b), tree.Root);
            Apply(tree, Manifest(Path.Combine(Fixtures, "_base", b + ".yaml")));
        }
        foreach (var (from, to) in manifest.Copies)
        {
            Directory.CreateDirectory(tree.Local(to));
            CopyTree(Path.Combine(RepoPaths.Fixtures, from), tree.Local(to));
        }
        CopyTree(dir, tree.Root);
        Apply(tree, manifest);

        // a tree is not a running host and has no TPM, unless the manifest asks for the run's swtpm (with its EK certificates)
        var tpm = manifest.Tpm == "swtpm" ? TpmSelector.Parse(Swtpm.Shared.Selector) : null;
        if (tpm is not null) PrepareSimulator(tree, manifest);
        var integrity = manifest.Manifests.Count == 0 ? null
            : new WeightIntegrityOptions(manifest.Manifests.Select(tree.Local).ToList(), manifest.ManifestSigners.Select(tree.Local).ToList());
        var evidence = EvidenceCollector.Collect(new CollectionOptions(tree.HostRoot, manifest.Weights, Tpm: tpm, Integrity: integrity));
        var control = Catalog.Controls[id];
        var check = CheckRegistry.ByKind[control.Check.Kind];
        var parameters = check.Parameters.ToDictionary(p => p.Name, p => p.Default, StringComparer.Ordinal);
        foreach (var (name, value) in control.Check.Params) parameters[name] = value;
        foreach (var (name, value) in manifest.Params) parameters[name] = ParamValue.Of(value);
        var result = check.Evaluate(new CheckContext(evidence, parameters,
            new Lazy<JsonElement>(() => JsonSerializer.SerializeToElement(evidence, WeightGuardJsonContext.Default.Evidence))));
        Assert.That(result.Status, Is.EqualTo(outcome == "pass" ? ControlStatus.Pass : ControlStatus.Fail), $"{id} on {dir}: {result.Message}");
    }

    /// <summary>Resets the manifest's PCRs and, when asked, extends every measured event of the tree's log in each bank it records.</summary>
    private static void PrepareSimulator(HostTree tree, FixtureManifest manifest)
    {
        void Tool(string name, string argument)
        {
            var (code, _, err) = ExternalTool.Run(ExternalTool.Require(name), [argument], env: Swtpm.Shared.TctiEnvironment);
            Assert.That(code, Is.Zero, $"{name} {argument}: {err}");
        }
        foreach (var pcr in manifest.TpmReset) Tool("tpm2_pcrreset", pcr);
        if (!manifest.TpmExtendLog) return;
        var log = TcgEventLogParser.Parse(File.ReadAllBytes(tree.Local(TpmCollector.EventLogPath)));
        foreach (var e in log.Events.Where(e => e.EventType != TcgEventType.NoAction))
            Tool("tpm2_pcrextend", $"{e.PcrIndex}:" + string.Join(',', e.Digests.Where(d => d.Algorithm is TpmAlgId.Sha1 or TpmAlgId.Sha256)
                .Select(d => $"{d.Algorithm.ToString().ToLowerInvariant()}={Convert.ToHexStringLower(d.Digest)}")));
    }

    private static void Apply(HostTree tree, FixtureManifest manifest)
    {
        foreach (var (device, luks) in manifest.Luks)
        {
            var local = tree.Local(device);
            var image = LuksImage.Format(Path.GetDirectoryName(local)!, Path.GetFileName(local), [.. luks.Format]);
            foreach (var token in luks.Tokens) image.ImportToken(token);
            for (var i = 0; i < luks.AddKeys; i++) image.AddKey("--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000");
            // the test's key files are not part of the host the tree stands for
            foreach (var key in Directory.GetFiles(Path.GetDirectoryName(local)!, Path.GetFileName(local) + ".key*")) File.Delete(key);
        }
        foreach (var (path, mode) in manifest.Modes) File.SetUnixFileMode(tree.Local(path), HostTree.Octal(mode));
        foreach (var (path, owner) in manifest.Owners)
        {
            var (code, _, err) = ExternalTool.Run("chown", ["-h", owner, tree.Local(path)]);
            Assert.That(code, Is.Zero, err);
        }
        foreach (var (path, entries) in manifest.Acl)
            foreach (var entry in entries) tree.Acl(path, entry);
    }

    private sealed record FixtureManifest(IReadOnlyList<string> Base, IReadOnlyList<(string From, string To)> Copies, IReadOnlyList<string> Weights,
        IReadOnlyDictionary<string, string> Modes, IReadOnlyDictionary<string, string> Owners, IReadOnlyDictionary<string, IReadOnlyList<string>> Acl, IReadOnlyDictionary<string, string> Params, string? Tpm,
        IReadOnlyDictionary<string, LuksFixture> Luks, IReadOnlyList<string> TpmReset, bool TpmExtendLog)
    {
        public IReadOnlyList<string> Manifests { get; init; } = [];
        public IReadOnlyList<string> ManifestSigners { get; init; } = [];
    }

    /// <summary>A LUKS header to write at a device node: luksFormat arguments, tokens to import, extra passphrase slots.</summary>
    private sealed record LuksFixture(IReadOnlyList<string> Format, IReadOnlyList<string> Tokens, int AddKeys);

    private static FixtureManifest Manifest(string path)
    {
        if (!File.Exists(path)) return new FixtureManifest([], [], ["/models"], new Dictionary<string, string>(), new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<string>>(), new Dictionary<string, string>(), null,
            new Dictionary<string, LuksFixture>(), [], false);
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(path)));
        // a manifest of comments only (saying why the tree fails) is an empty one
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root) root = new YamlMappingNode();
        static IReadOnlyList<string> Items(YamlMappingNode map, string key) => map.Children.TryGetValue(key, out var n) ? ((YamlSequenceNode)n).Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : [];
        IReadOnlyList<string> List(string key) => Items(root, key);
        Dictionary<string, T> Map<T>(string key, Func<YamlNode, T> read) => root.Children.TryGetValue(key, out var n)
            ? ((YamlMappingNode)n).Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => read(kv.Value))
            : [];
        var weights = List("weights");
        // copy: [[FROM, TO], ...]: a directory of tests/fixtures (e.g. a real nvidia-smi recording) copied to a host path, in order
        var copies = root.Children.TryGetValue("copy", out var c)
            ? ((YamlSequenceNode)c).Children.Select(pair => ((YamlSequenceNode)pair).Children.Select(x => ((YamlScalarNode)x).Value!).ToList()).Select(p => (p[0], p[1])).ToList()
            : [];
        return new FixtureManifest(List("base"), copies, weights.Count > 0 ? weights : ["/models"], Map("modes", n => ((YamlScalarNode)n).Value!),
            Map("owners", n => ((YamlScalarNode)n).Value!), Map<IReadOnlyList<string>>("acl", n => ((YamlSequenceNode)n).Children.Select(c => ((YamlScalarNode)c).Value!).ToList()),
            Map("params", n => ((YamlScalarNode)n).Value!), root.Children.TryGetValue("tpm", out var t) ? ((YamlScalarNode)t).Value : null,
            Map("luks", n => new LuksFixture(Items((YamlMappingNode)n, "format"), Items((YamlMappingNode)n, "tokens"),
                ((YamlMappingNode)n).Children.TryGetValue("add-keys", out var k) ? int.Parse(((YamlScalarNode)k).Value!, System.Globalization.CultureInfo.InvariantCulture) : 0)),
            List("tpm-reset"), root.Children.TryGetValue("tpm-extend-log", out var x) && ((YamlScalarNode)x).Value == "true")
        {
            Manifests = List("manifests"), ManifestSigners = List("manifest-signers"),
        };
    }

    /// <summary>Copies a fixture tree, keeping symbolic links as links.</summary>
    private static void CopyTree(string from, string to)
    {
        foreach (var entry in new DirectoryInfo(from).EnumerateFileSystemInfos("*", SearchOption.TopDirectoryOnly))
        {
            var target = Path.Combine(to, entry.Name);
            if (entry.LinkTarget is { } link) File.CreateSymbolicLink(target, link);
            else if (entry is DirectoryInfo d) { Directory.CreateDirectory(target); CopyTree(d.FullName, target); }
            else File.Copy(entry.FullName, target, overwrite: true);
        }
    }
}
