using System.Text.Json;
using WeightGuard.Core.Catalog;
using WeightGuard.Core.Checks;
using WeightGuard.Core.Checks.Kinds;
using WeightGuard.Core.Evaluation;
using WeightGuard.Core.Evidence;
using WeightGuard.Core.Reports;
using static WeightGuard.Core.Tests.EvaluatorTests;

namespace WeightGuard.Core.Tests;

/// <summary>The disk-encryption check kinds on storage evidence shaped as the storage collector writes it.</summary>
public class StorageCheckKindTests
{
    private static readonly SortedDictionary<string, string> NoDetails = new(StringComparer.Ordinal);
    private static readonly EncryptionVerdict Encrypted = new(EncryptionState.Encrypted, true, "dm-0 is dm-crypt LUKS2 (data)");
    private static readonly EncryptionVerdict Plain = new(EncryptionState.Unencrypted, true, "sdb (disk) holds data with no encryption layer above it");

    private static CheckOutcome Run(ICheck check, StorageEvidence storage, params (string Name, ParamValue Value)[] overrides)
    {
        return Checks.CheckHarness.Run(check, Host() with { Storage = storage }, overrides);
    }

    private static LuksSummary Luks(int version = 2, string kdf = "argon2id", long memory = 1048576, long iterations = 1000, string hash = "sha256",
        params LuksFinding[] findings) =>
        new(version, "6f1d-" + version + kdf, null, "aes-xts-plain64", 512, 4096, 16777216, null,
            [new LuksKeyslotSummary(0, "luks2", 512, "aes-xts-plain64", null,
                kdf == "pbkdf2" ? new PbkdfSummary(kdf, hash, iterations, null, null, null) : new PbkdfSummary(kdf, null, null, 4, memory, 4), 4000)],
            [], true, [], "crypt", true, findings);

    private static EncryptedVolume Volume(LuksSummary? luks = null, int? keyBits = 512, string cipher = "aes-xts-plain64", params UnlockMethod[] unlock) =>
        new("data", luks is null ? "PLAIN" : "LUKS2", "/dev/sda2", cipher, keyBits, luks, null, unlock, []);

    private static StorageEvidence Storage(IReadOnlyList<StoragePathEvidence> paths, IReadOnlyList<SwapArea>? swap = null,
        IReadOnlyList<CrypttabEntry>? crypttab = null) => new(paths, crypttab ?? [], swap ?? [], [], []);

    private static StoragePathEvidence Path(string path, EncryptionVerdict verdict, params EncryptedVolume[] volumes) =>
        new(path, path, [new StorageLayer("mount", "/", "/dev/mapper/data", NoDetails, [])], verdict, volumes);

    [Test]
    public void Weights_on_encrypted_storage_pass_fail_and_honour_key_bits_and_ciphers()
    {
        var check = new WeightsOnEncryptedStorageCheck();
        Assert.Multiple(() =>
        {
            Assert.That(Run(check, Storage([Path("/models", Encrypted, Volume(Luks()))])).Status, Is.EqualTo(ControlStatus.Pass));
            var plain = Run(check, Storage([Path("/models", Encrypted, Volume(Luks())), Path("/scratch", Plain)]));
            Assert.That((plain.Status, plain.Evidence.Single()), Is.EqualTo((ControlStatus.Fail, "/evidence/storage/paths/1")));
            Assert.That(plain.Message, Does.Contain("/scratch: not encrypted"));
            var nfs = Run(check, Storage([Path("/mnt/m", new EncryptionVerdict(EncryptionState.Unknown, true, "nfs4 (f:/m): encryption at rest not provable from this host"))]));
            Assert.That(nfs.Message, Does.Contain("encryption not proven"));
            var aes128 = Storage([Path("/models", Encrypted, Volume(Luks(), keyBits: 256))]);
            Assert.That(Run(check, aes128).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(Run(check, aes128, ("min-key-bits", ParamValue.Of("512"))).Message, Does.Contain("256-bit key (at least 512 required)"));
            Assert.That(Run(check, Storage([Path("/m", Encrypted, Volume(Luks(), cipher: "serpent-xts-plain64"))]), ("reject-ciphers", ParamValue.Of(["serpent"]))).Status,
                Is.EqualTo(ControlStatus.Fail));
            Assert.That(Run(check, Storage([])).Status, Is.EqualTo(ControlStatus.NotApplicable));
        });
    }

    [Test]
    public void Opal_only_volumes_count_as_encrypted_only_when_allowed()
    {
        var check = new WeightsOnEncryptedStorageCheck();
        var opal = Luks(findings: LuksFinding.Of(LuksFindingCode.OpalDriveManaged)) with { SegmentType = "hw-opal", Cipher = "none" };
        var storage = Storage([Path("/models", Encrypted, Volume(opal, keyBits: 256, cipher: "none"))]);
        var refused = Run(check, storage);
        Assert.Multiple(() =>
        {
            Assert.That(refused.Status, Is.EqualTo(ControlStatus.Fail));
            Assert.That(refused.Message, Does.Contain("drive-managed keys cannot be checked from the host (allow-opal is false)"));
            Assert.That(Run(check, storage, ("allow-opal", ParamValue.Of("true"))).Status, Is.EqualTo(ControlStatus.Pass));
        });
    }

    [Test]
    public void Missing_storage_evidence_is_an_error()
    {
        var check = new SwapEncryptedCheck();
        var outcome = check.Evaluate(new CheckContext(Host(), new Dictionary<string, ParamValue>(), new Lazy<JsonElement>(() => default)));
        Assert.That((outcome.Status, outcome.Message), Is.EqualTo((ControlStatus.Error, "Could not check because WeightGuard does not collect the storage and encryption under the weights on this host.")));
    }

    [Test]
    public void Strong_disk_encryption_checks_kdfs_floors_luks1_and_legacy_modes()
    {
        var check = new DiskEncryptionStrongCheck();
        CheckOutcome With(LuksSummary luks, params (string, ParamValue)[] p) => Run(check, Storage([Path("/m", Encrypted, Volume(luks))]), p);
        Assert.Multiple(() =>
        {
            Assert.That(With(Luks()).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(With(Luks(memory: 32)).Message, Does.Contain("argon2id with 32 KiB (at least 65536)"));
            Assert.That(With(Luks(kdf: "pbkdf2", iterations: 1000)).Message, Does.Contain("pbkdf2 with 1000 iterations"));
            Assert.That(With(Luks(kdf: "pbkdf2", iterations: 2_000_000), ("allowed-kdfs", ParamValue.Of(["argon2id"]))).Message, Does.Contain("pbkdf2 is not an allowed KDF"));
            Assert.That(With(Luks(version: 1, kdf: "pbkdf2", iterations: 2_000_000)).Message, Does.Contain("LUKS1 header"));
            Assert.That(With(Luks(version: 1, kdf: "pbkdf2", iterations: 2_000_000), ("allow-luks1", ParamValue.Of("true"))).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(With(Luks(findings: LuksFinding.Of(LuksFindingCode.EcbMode, "aes-ecb"))).Message, Does.Contain("aes-ecb: ecb mode").And.Contain("[ecb-mode]"));
            Assert.That(With(Luks(findings: LuksFinding.Of(LuksFindingCode.CbcMode, "aes-cbc-essiv:sha256")), ("accept-findings", ParamValue.Of(["cbc-mode"]))).Status,
                Is.EqualTo(ControlStatus.Pass), "an accepted finding code does not fail");
            var damaged = LuksFinding.Of(LuksFindingCode.HeaderCopyDamaged, "primary", "fails validation: keyslot 1 area overlaps keyslot 0; using the secondary copy (seqid 3)");
            Assert.That(With(Luks(findings: damaged)).Message, Does.Contain("primary header fails validation: keyslot 1 area overlaps keyslot 0; using the secondary copy (seqid 3)"));
            Assert.That(With(Luks(kdf: "pbkdf2", iterations: 2_000_000, hash: "sha1")).Message, Does.Contain("pbkdf2 with sha1, a rejected hash"),
                "sha1 is judged although pbkdf2 is allowed");
            Assert.That(With(Luks(kdf: "pbkdf2", iterations: 2_000_000, hash: "sha1"), ("reject-pbkdf2-hashes", ParamValue.Of(Array.Empty<string>()))).Status,
                Is.EqualTo(ControlStatus.Pass));
            Assert.That(With(Luks(findings: LuksFinding.Of(LuksFindingCode.OpalDriveManaged))).Status, Is.EqualTo(ControlStatus.Pass),
                "drive-managed encryption is WG-DISK-001's allow-opal, not a weak parameter");
            Assert.That(Run(check, Storage([Path("/m", Plain)])).Status, Is.EqualTo(ControlStatus.NotApplicable));
        });
    }

    [Test]
    public void Swap_must_be_encrypted()
    {
        var check = new SwapEncryptedCheck();
        var layers = Array.Empty<StorageLayer>();
        Assert.Multiple(() =>
        {
            Assert.That(Run(check, Storage([])).Message, Is.EqualTo("no swap is active"));
            Assert.That(Run(check, Storage([], [new SwapArea("/dev/dm-2", "partition", 1000, layers, Encrypted)])).Status, Is.EqualTo(ControlStatus.Pass));
            var plain = Run(check, Storage([], [new SwapArea("/dev/dm-2", "partition", 1000, layers, Encrypted), new SwapArea("/swapfile", "file", 1000, layers, Plain)]));
            Assert.That((plain.Status, plain.Evidence.Single()), Is.EqualTo((ControlStatus.Fail, "/evidence/storage/swap/1")));
        });
    }

    [Test]
    public void Tpm_bound_unlock_needs_a_tpm_method_covering_the_required_pcrs()
    {
        var check = new TpmBoundUnlockCheck();
        static UnlockMethod M(string method, string? pcrs = null) => new(method, ["0"],
            pcrs is null ? new SortedDictionary<string, string>() : new SortedDictionary<string, string> { ["pcrs"] = pcrs });
        CheckOutcome With(params UnlockMethod[] unlock) => Run(check, Storage([Path("/m", Encrypted, Volume(Luks(), unlock: unlock))]));
        Assert.Multiple(() =>
        {
            Assert.That(With(M("tpm2", "7"), M("passphrase")).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(With(M("clevis-tpm2", "0+7")).Status, Is.EqualTo(ControlStatus.Pass));
            Assert.That(With(M("tpm2", "0")).Message, Does.Contain("lacks PCR 7"));
            Assert.That(With(M("passphrase"), M("key-file")).Message, Does.Contain("no TPM-bound unlock (passphrase, key-file)"));
            Assert.That(Run(check, Storage([Path("/m", Plain)])).Status, Is.EqualTo(ControlStatus.NotApplicable));
        });
    }

    [Test]
    public void Crypttab_key_files_must_be_on_encrypted_storage()
    {
        var check = new CrypttabKeyFilesEncryptedCheck();
        CrypttabEntry Entry(EncryptionVerdict? verdict) => new(1, "data", "UUID=x", verdict is null ? null : "/etc/keys/data.key", ["luks"],
            verdict is null ? null : Path("/etc/keys/data.key", verdict));
        Assert.Multiple(() =>
        {
            Assert.That(Run(check, Storage([], crypttab: [Entry(null)])).Status, Is.EqualTo(ControlStatus.NotApplicable));
            Assert.That(Run(check, Storage([], crypttab: [Entry(Encrypted)])).Status, Is.EqualTo(ControlStatus.Pass));
            var bad = Run(check, Storage([], crypttab: [Entry(Plain)]));
            Assert.That((bad.Status, bad.Evidence.Single()), Is.EqualTo((ControlStatus.Fail, "/evidence/storage/crypttab/0/keyFileStorage")));
        });
    }

    [Test]
    public void Storage_evidence_round_trips_through_the_report_json()
    {
        var storage = Storage([Path("/models", Encrypted, Volume(Luks(), unlock: new UnlockMethod("tpm2", ["0"], new SortedDictionary<string, string> { ["pcrs"] = "7" })))],
            [new SwapArea("/dev/zram0", "partition", 1000, [], new EncryptionVerdict(EncryptionState.Encrypted, false, "zram"))]);
        var evidence = Host() with { Storage = storage };
        var json = JsonSerializer.Serialize(evidence, WeightGuardJsonContext.Default.Evidence);
        var back = JsonSerializer.Deserialize(json, WeightGuardJsonContext.Default.Evidence)!;
        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"encrypted\": \"true\""));
            Assert.That(JsonSerializer.Serialize(back, WeightGuardJsonContext.Default.Evidence), Is.EqualTo(json));
            Assert.That(back.Storage!.Paths[0].Volumes[0].Luks!.Keyslots[0].Pbkdf!.Memory, Is.EqualTo(1048576));
        });
    }
}
