using WeightGuard.Collectors.Access;
using WeightGuard.Core.Evidence;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests;

/// <summary>
/// A GPU server's weight store as operators commonly leave it: a service account owning /srv/models, a person in the
/// weights group, a colleague given an ACL entry, a Hugging Face cache, a key next to the weights, and some debris.
/// </summary>
[NonParallelizable]
public class GpuServerTreeTests
{
    private const int Weights = 990, Alice = 1001, Bob = 1002, Carol = 1003, Serve = 991;
    private HostTree _tree = null!;
    private Evidence _evidence = null!;

    [OneTimeSetUp]
    public void Build()
    {
        HostTree.RequireRoot();
        _tree = new HostTree()
            .Write("/etc/passwd", """
                root:x:0:0:root:/root:/bin/bash
                weights:x:990:990:model store:/nonexistent:/usr/sbin/nologin
                serve:x:991:991:inference server:/nonexistent:/usr/sbin/nologin
                alice:x:1001:1001:Alice:/home/alice:/bin/bash
                bob:x:1002:1002:Bob:/home/bob:/bin/zsh
                carol:x:1003:1003:Carol:/home/carol:/bin/bash
                """)
            .Write("/etc/group", "root:x:0:\nweights:x:990:alice,serve\nserve:x:991:\nalice:x:1001:\nbob:x:1002:\ncarol:x:1003:\n")
            .Dir("/srv", 0b111_101_101)
            .Dir("/srv/models", 0b111_101_000, Weights, Weights)
            .Acl("/srv/models", $"u:{Bob}:rx")
            .Write("/srv/models/llama/model.safetensors", HostTree.Safetensors(), 0b110_100_000, Weights, Weights)
            .Dir("/srv/models/llama", 0b111_101_000, Weights, Weights)
            .Acl("/srv/models/llama", $"u:{Bob}:rx")
            .Acl("/srv/models/llama/model.safetensors", $"u:{Bob}:r")
            .Write("/srv/models/open.gguf", HostTree.Gguf(), 0b110_100_100, Weights, Weights)
            .Write("/srv/models/hub/models--meta-llama--Llama-3-8B/blobs/5f2a", HostTree.Safetensors(), 0b110_100_000, Weights, Weights)
            .Link("/srv/models/hub/models--meta-llama--Llama-3-8B/snapshots/abc123/model.safetensors", "../../blobs/5f2a")
            .Link("/srv/models/again", "/srv/models")
            .Link("/srv/models/spin.safetensors", "spin.safetensors")
            .Write("/srv/models/deploy.pem", "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n", 0b110_100_100)
            .Write("/srv/disk.key", new byte[64], 0b110_000_000)
            .Write("/srv/models/notes.bin", "this is not a model"u8.ToArray(), 0b110_100_000, Weights, Weights);
        using (var garbage = File.Create(_tree.Local("/srv/models/huge.safetensors")))
        {
            garbage.Write("not a safetensors header at all"u8);
            garbage.SetLength(1L << 30); // sparse: 1 GiB of nothing, to prove only the head is read
        }
        _evidence = EvidenceCollector.Collect(new CollectionOptions(_tree.HostRoot, ["/srv/models", "/srv/missing"]));
    }

    [OneTimeTearDown]
    public void Clean() => _tree?.Dispose();

    [Test]
    public void InventoryFindsWeightsByMagicAndNamesTheDebris()
    {
        var w = _evidence.Weights!;
        Assert.Multiple(() =>
        {
            Assert.That(w.Files.Select(f => (f.Path, f.Format)), Is.EquivalentTo(new[]
            {
                ("/srv/models/hub/models--meta-llama--Llama-3-8B/snapshots/abc123/model.safetensors", "safetensors"),
                ("/srv/models/llama/model.safetensors", "safetensors"),
                ("/srv/models/open.gguf", "gguf"),
            }), "the directory link back to /srv/models is walked once, not forever");
            var hub = w.Files.Single(f => f.HuggingFaceRepo is not null);
            Assert.That((hub.HuggingFaceRepo, hub.Target), Is.EqualTo(("meta-llama/Llama-3-8B", "/srv/models/hub/models--meta-llama--Llama-3-8B/blobs/5f2a")));
            Assert.That(w.Mismatched.Select(m => m.Path), Is.EquivalentTo(new[] { "/srv/models/huge.safetensors", "/srv/models/notes.bin" }));
            Assert.That(w.Errors.Select(e => (e.Path, e.Reason)), Is.EqualTo(new[] { ("/srv/models/spin.safetensors", "symbolic link loop") }));
            Assert.That(w.Roots, Is.EqualTo(new[] { new WeightRoot("/srv/models", "scanned"), new WeightRoot("/srv/missing", "missing", "does not exist") }));
        });
    }

    [Test]
    public void ReadersAreWhoPassesEveryDirectoryAndTheFileAndWhy()
    {
        var model = _evidence.Access!.Files.Single(f => f.Path == "/srv/models/llama/model.safetensors");
        Assert.Multiple(() =>
        {
            Assert.That(model.Readers.Select(r => (r.Account, r.Via, r.Human)), Is.EquivalentTo(new[]
            {
                ("weights", "owner", false), ("serve", "group:weights", false), ("alice", "group:weights", true), ("bob", "acl-user", true),
            }));
            Assert.That(model.Acl, Is.EquivalentTo(new[] { new AclEntry("user", "r--", "bob"), new AclEntry("mask", "r--") }));
            Assert.That((model.Mode, model.Owner, model.Group, model.WorldReadable), Is.EqualTo(("0640", "weights", "weights", false)));
            var open = _evidence.Access.Files.Single(f => f.Path == "/srv/models/open.gguf");
            Assert.That(open.WorldReadable, Is.True);
            Assert.That(open.Readers.Select(r => r.Account), Does.Not.Contain("carol"), "carol cannot traverse /srv/models");
            Assert.That(_evidence.Access.Directories.Select(d => d.Path), Is.EqualTo(new[] { "/", "/srv", "/srv/models", "/srv/models/hub",
                "/srv/models/hub/models--meta-llama--Llama-3-8B", "/srv/models/hub/models--meta-llama--Llama-3-8B/blobs", "/srv/models/llama" }));
        });
    }

    /// <summary>The kernel is the judge: each account's real open() as that uid must agree with the computed readers.</summary>
    [Test]
    public void ComputedReadersAgreeWithTheKernel()
    {
        var setpriv = ExternalTool.Require("setpriv");
        var accounts = AccountDatabase.Read(_tree.HostRoot);
        foreach (var file in _evidence.Access!.Files)
            foreach (var account in accounts.Accounts.Where(a => a.Uid != 0))
            {
                var (code, _, _) = ExternalTool.Run(setpriv, [$"--reuid={account.Uid}", $"--regid={account.PrimaryGid}",
                    $"--groups={string.Join(',', account.Groups)}", "--", "head", "-c", "1", _tree.Local(file.Path)]);
                Assert.That(code == 0, Is.EqualTo(file.Readers.Any(r => r.Account == account.Name)), $"{account.Name} reading {file.Path}");
            }
    }

    [Test]
    public void KeysUnderAndBesideWeightsAreFoundWithoutTheirContent()
    {
        var keys = _evidence.Keys!.Files;
        Assert.That(keys.Select(k => (k.Path, k.Kind, k.Location, k.Mode)), Is.EquivalentTo(new[]
        {
            ("/srv/models/deploy.pem", "pem-private-key", "under-weights", "0644"),
            ("/srv/disk.key", "named-key-file", "beside-weights", "0600"),
        }));
        var json = System.Text.Json.JsonSerializer.Serialize(_evidence, WeightGuard.Core.Reports.WeightGuardJsonContext.Default.Evidence);
        Assert.That(json, Does.Not.Contain("MIIB"));
    }

    [Test]
    public void HumanAccountsAreThoseWithALoginShell() =>
        Assert.That(_evidence.Access!.HumanAccounts, Is.EqualTo(new[] { "alice", "bob", "carol" }));
}
