using Moq;
using WeightGuard.Collectors.Disk;
using WeightGuard.Core.Evidence;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// Storage stacks modelled on real machines, built as sysfs/proc trees at test time (this machine has no
/// device-mapper). Where a stack has a LUKS volume, the device node underneath is a real header written by
/// <c>cryptsetup luksFormat</c>.
/// </summary>
[TestFixture]
public sealed class StorageChainResolverTests
{
    private const string Nvme0 = "pci0000:00/0000:00:1d.0/0000:3d:00.0/nvme/nvme0";
    private const string Sata = "pci0000:00/0000:00:17.0/ata1/host0/target0:0:0/0:0:0:0";
    private const string Sata2 = "pci0000:00/0000:00:17.0/ata2/host1/target1:0:0/1:0:0:0";
    private static readonly string[] Fast = ["--pbkdf", "pbkdf2", "--pbkdf-force-iterations", "1000"];
    private string _dir = null!;
    private FakeHost _host = null!;

    [SetUp]
    public void SetUp()
    {
        _dir = Directory.CreateTempSubdirectory("wg-chain-").FullName;
        _host = new FakeHost(_dir);
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private LuksImage LuksDevice(string name, params string[] args) =>
        LuksImage.Format(_host.Local("/dev"), name, [.. Fast, .. args]);

    private StorageChainResolver Resolver(IZfsPropertySource? zfs = null) => new(_host.HostRoot, zfs);

    private static string Kinds(StoragePathEvidence e) => string.Join(" > ", e.Chain.Select(l => $"{l.Kind}:{l.Name}"));

    /// <summary>Debian 12 laptop (guided "encrypted LVM" install): nvme0n1p3 → dm-0 (CRYPT-LUKS2) → dm-1 (LVM) mounted at
    /// /; /boot on nvme0n1p2 in the clear.</summary>
    private string DebianLaptop()
    {
        var luks = LuksDevice("nvme0n1p3", "--type", "luks2");
        luks.ImportToken("""{"type":"systemd-tpm2","keyslots":["0"],"tpm2-blob":"AA==","tpm2-pcrs":[7],"tpm2-pcr-bank":"sha256","tpm2-policy-hash":"00","tpm2-pin":false}""");
        var uuid = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(luks.Path)).Uuid;
        var dmName = "nvme0n1p3_crypt";
        _host.Disk("nvme0n1", "259:0", Nvme0, "Samsung SSD 980 PRO 1TB")
            .Partition("nvme0n1", "nvme0n1p1", "259:1", 1)
            .Partition("nvme0n1", "nvme0n1p2", "259:2", 2)
            .Partition("nvme0n1", "nvme0n1p3", "259:3", 3)
            .Dm("dm-0", "254:0", dmName, $"CRYPT-LUKS2-{uuid.Replace("-", "")}-{dmName}", "nvme0n1p3")
            .Dm("dm-1", "254:1", "laptop--vg-root", "LVM-b3f0T5n1tQ4kKq0r5J2bV3dKcGzWw0aXf6Z3yPq1mN8sE2dR7uTiO9pL4kJ6hG5f", "dm-0")
            .Dm("dm-2", "254:2", "laptop--vg-swap_1", "LVM-b3f0T5n1tQ4kKq0r5J2bV3dKcGzWw0aXA1B2C3D4E5F6G7H8I9J0K1L2M3N4O5P6", "dm-0")
            .Mount("/", "254:1", "ext4", "/dev/mapper/laptop--vg-root", "rw,errors=remount-ro")
            .Mount("/boot", "259:2", "ext2", "/dev/nvme0n1p2")
            .Mount("/boot/efi", "259:1", "vfat", "/dev/nvme0n1p1")
            .Swap("/dev/dm-2", "partition", 1_000_000)
            .Crypttab($"# <target name> <source device> <key file> <options>\n{dmName} UUID={uuid} none luks,discard,tpm2-device=auto\n");
        return uuid;
    }

    [Test]
    public void Debian_laptop_weights_on_luks2_under_lvm_are_encrypted()
    {
        var uuid = DebianLaptop();
        var e = Resolver().Resolve("/srv/models/llama-3-70b/model-00001.safetensors");
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(e), Is.EqualTo("mount:/ > lvm:dm-1 > dm-crypt:dm-0 > partition:nvme0n1p3 > disk:nvme0n1"));
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(e.Verdict.Reason, Does.Contain("dm-0 is dm-crypt LUKS2 (nvme0n1p3_crypt)"));
            Assert.That(e.Chain[0].Details["fsType"], Is.EqualTo("ext4"));
            Assert.That(e.Chain[1].Details["mapper"], Is.EqualTo("/dev/mapper/laptop--vg-root"));
            Assert.That(e.Chain[4].Details["model"], Is.EqualTo("Samsung SSD 980 PRO 1TB"));
            var volume = e.Volumes.Single();
            Assert.That((volume.Name, volume.Type, volume.Device), Is.EqualTo(("nvme0n1p3_crypt", "LUKS2", "/dev/nvme0n1p3")));
            Assert.That(volume.Luks!.Uuid, Is.EqualTo(uuid));
            Assert.That((volume.Cipher, volume.KeyBits), Is.EqualTo(("aes-xts-plain64", 512)));
            Assert.That(volume.Problems, Is.Empty);
            Assert.That(volume.Crypttab!.Options, Does.Contain("tpm2-device=auto"));
            Assert.That(volume.Unlock.Select(u => (u.Method, string.Join(',', u.Keyslots))), Is.EqualTo(new[] { ("tpm2", "0") }));
            Assert.That(volume.Unlock[0].Details["pcrs"], Is.EqualTo("7"));
        });
    }

    [Test]
    public void A_mounted_host_is_judged_by_pid_1s_mounts_not_the_scanners_own()
    {
        DebianLaptop();
        // The scanner's own namespace (a container): everything on an overlay. PID 1's view is the host's.
        var hostMounts = File.ReadAllText(_host.Local("/proc/self/mountinfo"));
        _host.Write("/proc/1/mountinfo", hostMounts);
        _host.Write("/proc/self/mountinfo", "1 0 0:40 / / rw,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w\n");
        var e = Resolver().Resolve("/srv/models/llama-3-70b/model-00001.safetensors");
        Assert.That(Kinds(e), Is.EqualTo("mount:/ > lvm:dm-1 > dm-crypt:dm-0 > partition:nvme0n1p3 > disk:nvme0n1"));
    }

    [Test]
    public void Debian_laptop_boot_partition_is_not_encrypted_and_swap_is()
    {
        DebianLaptop();
        var evidence = Resolver().Collect(["/boot/vmlinuz-6.1.0-18-amd64"]);
        var boot = evidence.Paths.Single();
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(boot), Is.EqualTo("mount:/boot > partition:nvme0n1p2 > disk:nvme0n1"));
            Assert.That(boot.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
            Assert.That(boot.Verdict.Reason, Does.Contain("nvme0n1 (disk) holds data with no encryption layer"));
            var swap = evidence.Swap.Single();
            Assert.That((swap.Path, swap.Verdict.Encrypted), Is.EqualTo(("/dev/dm-2", EncryptionState.Encrypted)));
            Assert.That(evidence.Crypttab.Single().KeyFile, Is.Null);
        });
    }

    /// <summary>RHEL 9 server, LUKS on LVM: sda2 → dm-0 (LVM rhel-data) → dm-1 (CRYPT-LUKS2 data) at /data; the key file in
    /// crypttab lives on the root LV (dm-2), which is not encrypted.</summary>
    [Test]
    public void Rhel_luks_on_lvm_with_key_file_on_unencrypted_root()
    {
        var luks = LuksDevice("dm-0", "--type", "luks2");
        var uuid = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(luks.Path)).Uuid;
        _host.Disk("sda", "8:0", Sata, "PERC H755 Front")
            .Partition("sda", "sda1", "8:1", 1).Partition("sda", "sda2", "8:2", 2)
            .Dm("dm-0", "253:0", "rhel-data", "LVM-Kp3DNGhyGVgh5i8Q2oWWYl0RVsQk7kDaMkOa6PiuwwvB8WiqLTa4E6Dyy8pX2cxd", "sda2")
            .Dm("dm-1", "253:1", "data", $"CRYPT-LUKS2-{uuid.Replace("-", "")}-data", "dm-0")
            .Dm("dm-2", "253:2", "rhel-root", "LVM-Kp3DNGhyGVgh5i8Q2oWWYl0RVsQk7kDa0000000000000000000000000000000", "sda2")
            .Mount("/", "253:2", "xfs", "/dev/mapper/rhel-root", "rw,attr2,inode64")
            .Mount("/data", "253:1", "xfs", "/dev/mapper/data")
            .Crypttab($"data UUID={uuid} /etc/cryptsetup-keys.d/data.key luks\n");
        var evidence = Resolver().Collect(["/data/models/mixtral"]);
        var data = evidence.Paths.Single();
        var entry = evidence.Crypttab.Single();
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(data), Is.EqualTo("mount:/data > dm-crypt:dm-1 > lvm:dm-0 > partition:sda2 > disk:sda"));
            Assert.That(data.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(data.Volumes.Single().Unlock.Select(u => u.Method), Is.EqualTo(new[] { "key-file", "passphrase" }));
            Assert.That(data.Volumes.Single().Unlock[0].Details["keyFile"], Is.EqualTo("/etc/cryptsetup-keys.d/data.key"));
            Assert.That(entry.KeyFile, Is.EqualTo("/etc/cryptsetup-keys.d/data.key"));
            Assert.That(Kinds(entry.KeyFileStorage!), Is.EqualTo("mount:/ > lvm:dm-2 > partition:sda2 > disk:sda"));
            Assert.That(entry.KeyFileStorage!.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
        });
    }

    /// <summary>Ubuntu 22.04 GPU server: nvme0n1p2 + nvme1n1p2 → md0 (raid1) → dm-0 (CRYPT-LUKS1 md0_crypt) → ext4 at
    /// /var/lib/models.</summary>
    [Test]
    public void Ubuntu_md_raid1_under_luks1()
    {
        var luks = LuksDevice("md0", "--type", "luks1", "--cipher", "aes-cbc-essiv:sha256", "--key-size", "256");
        var uuid = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(luks.Path)).Uuid;
        _host.Disk("nvme0n1", "259:0", Nvme0).Partition("nvme0n1", "nvme0n1p2", "259:2", 2)
            .Disk("nvme1n1", "259:4", "pci0000:80/0000:80:01.1/0000:81:00.0/nvme/nvme1").Partition("nvme1n1", "nvme1n1p2", "259:6", 2)
            .Md("md0", "9:0", "raid1", "nvme0n1p2", "nvme1n1p2")
            .Dm("dm-0", "253:0", "md0_crypt", $"CRYPT-LUKS1-{uuid.Replace("-", "")}-md0_crypt", "md0")
            .Mount("/var/lib/models", "253:0", "ext4", "/dev/mapper/md0_crypt");
        var e = Resolver().Resolve("/var/lib/models/weights.bin");
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(e), Is.EqualTo("mount:/var/lib/models > dm-crypt:dm-0 > md:md0 > partition:nvme0n1p2 > disk:nvme0n1 > partition:nvme1n1p2 > disk:nvme1n1"));
            Assert.That(e.Chain.Single(l => l.Kind == "md").Details["level"], Is.EqualTo("raid1"));
            Assert.That(e.Chain.Single(l => l.Kind == "md").Below, Is.EqualTo(new[] { "nvme0n1p2", "nvme1n1p2" }));
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(e.Volumes.Single().Luks!.Findings.Select(f => f.Code), Has.Member(LuksFindingCode.CbcMode));
            Assert.That(e.Volumes.Single().Unlock.Select(u => u.Method), Is.EqualTo(new[] { "passphrase" }));
        });
    }

    /// <summary>An LV spread over an encrypted PV and a plain PV (a disk added later to the VG without LUKS).</summary>
    [Test]
    public void Lvm_over_one_encrypted_and_one_plain_pv_is_not_encrypted()
    {
        LuksDevice("sda1", "--type", "luks2");
        _host.Disk("sda", "8:0", Sata).Partition("sda", "sda1", "8:1", 1)
            .Disk("sdb", "8:16", Sata2).Partition("sdb", "sdb1", "8:17", 1)
            .Dm("dm-0", "253:0", "sda1_crypt", "CRYPT-LUKS2-00000000000000000000000000000000-sda1_crypt", "sda1")
            .Dm("dm-1", "253:1", "vg-models", "LVM-AAAA", "dm-0", "sdb1")
            .Mount("/models", "253:1", "ext4", "/dev/mapper/vg-models");
        var e = Resolver().Resolve("/models");
        Assert.Multiple(() =>
        {
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
            Assert.That(e.Verdict.Reason, Does.Contain("sdb"));
            Assert.That(e.Volumes.Single().Problems, Has.Some.Contains("header uuid").And.Some.Contains("is not the mapping's"));
        });
    }

    /// <summary>A data disk formatted directly (no encryption): sdb1 xfs at /data.</summary>
    [Test]
    public void Plain_partition_is_not_encrypted()
    {
        _host.Disk("sdb", "8:16", Sata2, "ST16000NM001G", rotational: true).Partition("sdb", "sdb1", "8:17", 1)
            .Mount("/data", "8:17", "xfs", "/dev/sdb1");
        var e = Resolver().Resolve("/data/ckpt/step-1000");
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(e), Is.EqualTo("mount:/data > partition:sdb1 > disk:sdb"));
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
            Assert.That(e.Chain[2].Details["rotational"], Is.EqualTo("1"));
            Assert.That(e.Volumes, Is.Empty);
        });
    }

    [Test]
    public void Tmpfs_is_memory_only_and_its_verdict_follows_swap()
    {
        _host.Disk("vda", "254:0", "pci0000:00/0000:00:02.0/virtio1").Partition("vda", "vda3", "254:3", 3)
            .Mount("/", "254:0", "ext4", "/dev/vda")
            .Mount("/dev/shm", "0:27", "tmpfs", "tmpfs", "rw,size=24684092k", optional: "");
        var noSwap = Resolver().Resolve("/dev/shm/model.bin");
        _host.Swap("/dev/vda3", "partition", 8_000_000);
        var plainSwap = Resolver().Resolve("/dev/shm/model.bin");
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(noSwap), Is.EqualTo("mount:/dev/shm > tmpfs:tmpfs"));
            Assert.That((noSwap.Verdict.Encrypted, noSwap.Verdict.AtRest), Is.EqualTo((EncryptionState.Encrypted, false)));
            Assert.That(noSwap.Verdict.Reason, Does.Contain("no swap"));
            Assert.That((plainSwap.Verdict.Encrypted, plainSwap.Verdict.AtRest), Is.EqualTo((EncryptionState.Unencrypted, false)));
            Assert.That(plainSwap.Verdict.Reason, Does.Contain("unencrypted /dev/vda3"));
        });
    }

    /// <summary>Debian with a random-key swap in crypttab: vda3 → dm-0 (CRYPT-PLAIN cryptswap).</summary>
    [Test]
    public void Plain_dm_crypt_swap_with_a_random_key_is_encrypted()
    {
        _host.Disk("vda", "254:0", "pci0000:00/0000:00:02.0/virtio1").Partition("vda", "vda3", "254:3", 3)
            .Dm("dm-0", "253:0", "cryptswap", "CRYPT-PLAIN-cryptswap", "vda3")
            .Mount("/", "254:0", "ext4", "/dev/vda")
            .Swap("/dev/mapper/cryptswap", "partition", 8_000_000)
            .Crypttab("cryptswap /dev/vda3 /dev/urandom swap,cipher=aes-xts-plain64,size=512\n");
        var evidence = Resolver().Collect([]);
        var swap = evidence.Swap.Single();
        Assert.Multiple(() =>
        {
            Assert.That(swap.Chain.Select(l => l.Kind), Is.EqualTo(new[] { "dm-crypt", "partition", "disk" }));
            Assert.That(swap.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(evidence.Crypttab.Single().KeyFileStorage, Is.Null, "a random key is not a file to protect");
        });
    }

    [Test]
    public void Swap_file_on_an_unencrypted_root_is_not_encrypted()
    {
        _host.Disk("vda", "254:0", "pci0000:00/0000:00:02.0/virtio1").Mount("/", "254:0", "ext4", "/dev/vda").Swap("/swap file", "file", 4_000_000);
        var swap = Resolver().Collect([]).Swap.Single();
        Assert.Multiple(() =>
        {
            Assert.That((swap.Path, swap.Type), Is.EqualTo(("/swap file", "file")));
            Assert.That(swap.Chain.Select(l => l.Name), Is.EqualTo(new[] { "/", "vda" }));
            Assert.That(swap.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
        });
    }

    [TestCase("nfs4", "10.0.0.5:/export/models", "network")]
    [TestCase("cifs", "//filer/models", "network")]
    [TestCase("9p", "models", "network")]
    [TestCase("fuse.sshfs", "user@host:/models", "fuse")]
    [TestCase("fuse.s3fs", "s3fs", "fuse")]
    public void Network_and_fuse_file_systems_are_not_provable(string fsType, string source, string kind)
    {
        _host.Mount("/mnt/models", "0:52", fsType, source, "rw,vers=4.2");
        var e = Resolver().Resolve("/mnt/models/x");
        Assert.Multiple(() =>
        {
            Assert.That(e.Chain.Select(l => l.Kind), Is.EqualTo(new[] { "mount", kind }));
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unknown));
            Assert.That(e.Verdict.Reason, Does.EndWith("encryption at rest not provable from this host"));
        });
    }

    [Test]
    public void Gocryptfs_encrypts_files_and_ecryptfs_too()
    {
        _host.Disk("vda", "254:0", "pci0000:00/0000:00:02.0/virtio1").Mount("/", "254:0", "ext4", "/dev/vda")
            .Mount("/home/ml/models", "0:60", "fuse.gocryptfs", "/home/ml/.models.enc", "rw,user_id=1000")
            .Mount("/home/ml/Private", "0:61", "ecryptfs", "/home/ml/.Private", "rw,ecryptfs_sig=0123456789abcdef,ecryptfs_cipher=aes,ecryptfs_key_bytes=16");
        var fuse = Resolver().Resolve("/home/ml/models/a.bin");
        var ecryptfs = Resolver().Resolve("/home/ml/Private/b.bin");
        Assert.Multiple(() =>
        {
            Assert.That(fuse.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(fuse.Volumes.Single().Type, Is.EqualTo("gocryptfs"));
            Assert.That(ecryptfs.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(Kinds(ecryptfs), Is.EqualTo("mount:/home/ml/Private > ecryptfs:/home/ml/.Private > mount:/ > disk:vda"));
            Assert.That((ecryptfs.Volumes.Single().Cipher, ecryptfs.Volumes.Single().KeyBits), Is.EqualTo(("aes", 128)));
        });
    }

    /// <summary>A squashfs model bundle on loop0, backed by a file on a LUKS root.</summary>
    [Test]
    public void Loop_device_follows_its_backing_file()
    {
        DebianLaptop();
        _host.Loop("loop0", "7:0", "/var/lib/bundles/llama.sqfs").Mount("/opt/models", "7:0", "squashfs", "/dev/loop0", "ro");
        var e = Resolver().Resolve("/opt/models/config.json");
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(e), Is.EqualTo("mount:/opt/models > loop:loop0 > mount:/ > lvm:dm-1 > dm-crypt:dm-0 > partition:nvme0n1p3 > disk:nvme0n1"));
            Assert.That(e.Chain[1].Details["backingFile"], Is.EqualTo("/var/lib/bundles/llama.sqfs"));
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(e.Verdict.Reason, Does.StartWith("loop0 is backed by a file: dm-0 is dm-crypt LUKS2"));
        });
    }

    [Test]
    public void A_cycle_in_slaves_ends_with_an_unknown_verdict()
    {
        _host.Dm("dm-0", "253:0", "a", "LVM-A").Dm("dm-1", "253:1", "b", "LVM-B", "dm-0").Slaves("dm-0", "dm-1")
            .Mount("/models", "253:1", "ext4", "/dev/mapper/b");
        var e = Resolver().Resolve("/models");
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(e), Is.EqualTo("mount:/models > lvm:dm-1 > lvm:dm-0"));
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unknown));
            Assert.That(e.Verdict.Reason, Does.Contain("cycle"));
        });
    }

    [Test]
    public void Octal_escaped_mount_points_and_symlinked_weight_paths_resolve()
    {
        _host.Disk("sda", "8:0", Sata).Partition("sda", "sda1", "8:1", 1).Disk("sdb", "8:16", Sata2)
            .Mount("/", "8:1", "ext4", "/dev/sda1")
            .Mount("/srv/model store", "8:16", "ext4", "/dev/sdb");
        _host.Link("/models", "srv/model store/llama");
        var e = Resolver().Resolve("/models/tokenizer.json");
        Assert.Multiple(() =>
        {
            Assert.That(e.ResolvedPath, Is.EqualTo("/srv/model store/llama/tokenizer.json"));
            Assert.That(e.Chain[0].Name, Is.EqualTo("/srv/model store"));
            Assert.That(e.Chain[1].Name, Is.EqualTo("sdb"));
        });
    }

    /// <summary>Fedora default: btrfs on LUKS2; mountinfo reports 0:35, so the device comes from the mount source.</summary>
    [Test]
    public void Btrfs_with_major_0_is_found_through_its_mount_source()
    {
        LuksDevice("nvme0n1p3", "--type", "luks2");
        var uuid = LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(_host.Local("/dev/nvme0n1p3"))).Uuid;
        _host.Disk("nvme0n1", "259:0", Nvme0).Partition("nvme0n1", "nvme0n1p3", "259:3", 3)
            .Dm("dm-0", "253:0", $"luks-{uuid}", $"CRYPT-LUKS2-{uuid.Replace("-", "")}-luks-{uuid}", "nvme0n1p3")
            .Mount("/home", "0:35", "btrfs", $"/dev/mapper/luks-{uuid}", "rw,seclabel,compress=zstd:1,ssd,subvol=/home");
        var e = Resolver().Resolve("/home/ml/models");
        Assert.Multiple(() =>
        {
            Assert.That(Kinds(e), Is.EqualTo("mount:/home > dm-crypt:dm-0 > partition:nvme0n1p3 > disk:nvme0n1"));
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
        });
    }

    /// <summary>A container's root: overlay whose upper and lower directories sit on the host's LUKS root.</summary>
    [Test]
    public void Overlay_takes_the_verdict_of_its_upper_and_lower_directories()
    {
        DebianLaptop();
        _host.Disk("sdb", "8:16", Sata2).Mount("/var/lib/scratch", "8:16", "ext4", "/dev/sdb");
        _host.Mount("/run/ctr/rootfs", "0:90", "overlay", "overlay",
            "rw,lowerdir=/var/lib/containerd/snapshots/1/fs,upperdir=/var/lib/containerd/snapshots/2/fs,workdir=/var/lib/containerd/snapshots/2/work");
        _host.Mount("/run/ctr2/rootfs", "0:91", "overlay", "overlay", "rw,lowerdir=/var/lib/scratch/l,upperdir=/var/lib/containerd/u,workdir=/var/lib/containerd/w");
        var encrypted = Resolver().Resolve("/run/ctr/rootfs/models/a.bin");
        var mixed = Resolver().Resolve("/run/ctr2/rootfs/models/a.bin");
        Assert.Multiple(() =>
        {
            Assert.That(encrypted.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(encrypted.Chain[1].Kind, Is.EqualTo("overlay"));
            Assert.That(mixed.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
            Assert.That(mixed.Verdict.Reason, Does.Contain("sdb"));
        });
    }

    [Test]
    public void Zfs_native_encryption_comes_from_dataset_properties()
    {
        _host.Mount("/tank/models", "0:45", "zfs", "tank/models", "rw,xattr,posixacl").Mount("/tank/scratch", "0:46", "zfs", "tank/scratch");
        _host.Mount("/tank/other", "0:47", "zfs", "tank/other");
        var zfs = new Mock<IZfsPropertySource>();
        // As printed by `zfs get -H -p -o property,value encryption,keystatus,encryptionroot,keyformat,keylocation` (OpenZFS 2.1).
        zfs.Setup(z => z.Get("tank/models")).Returns(ZfsCommand.Parse("encryption\taes-256-gcm\nkeystatus\tavailable\nencryptionroot\ttank/models\nkeyformat\tpassphrase\nkeylocation\tprompt\n"));
        zfs.Setup(z => z.Get("tank/scratch")).Returns(ZfsCommand.Parse("encryption\toff\nkeystatus\t-\nencryptionroot\t-\nkeyformat\tnone\nkeylocation\tnone\n"));
        var resolver = Resolver(zfs.Object);
        var models = resolver.Resolve("/tank/models/llama");
        var scratch = resolver.Resolve("/tank/scratch/x");
        var other = resolver.Resolve("/tank/other/x");
        Assert.Multiple(() =>
        {
            Assert.That(models.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That((models.Volumes.Single().Cipher, models.Volumes.Single().KeyBits), Is.EqualTo(("aes-256-gcm", 256)));
            Assert.That(models.Volumes.Single().Unlock.Single().Method, Is.EqualTo("zfs-passphrase"));
            Assert.That(models.Chain[1].Details["keystatus"], Is.EqualTo("available"));
            Assert.That(scratch.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
            Assert.That(other.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unknown));
        });
    }

    [Test]
    public void Unreadable_luks_header_still_proves_dm_crypt_and_says_what_is_missing()
    {
        _host.Disk("sda", "8:0", Sata).Partition("sda", "sda2", "8:2", 2)
            .Dm("dm-0", "253:0", "data", "CRYPT-LUKS2-0123456789abcdef0123456789abcdef-data", "sda2")
            .Mount("/data", "253:0", "ext4", "/dev/mapper/data");
        _host.Write("/dev/sda2", "not a luks header, perhaps a detached-header volume");
        var e = Resolver().Resolve("/data");
        Assert.Multiple(() =>
        {
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Encrypted));
            Assert.That(e.Volumes.Single().Luks, Is.Null);
            Assert.That(e.Volumes.Single().Problems.Single(), Does.StartWith("/dev/sda2: offset 0: no LUKS magic"));
        });
    }

    /// <summary>Regression: a keyslot af that is not an object crashed the storage walker (and so scan --root). Now the
    /// header is refused as cryptsetup refuses it, and the volume names the problem.</summary>
    [Test]
    public void Luks_header_cryptsetup_rejects_is_a_problem_not_a_crash()
    {
        var image = LuksDevice("sda2", "--type", "luks2");
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("\"af\":{\"type\":\"luks1\",\"stripes\":4000,\"hash\":\"sha256\"}", "\"af\":\"x\""));
        _host.Disk("sda", "8:0", Sata).Partition("sda", "sda2", "8:2", 2)
            .Dm("dm-0", "253:0", "data", "CRYPT-LUKS2-x-data", "sda2").Mount("/data", "253:0", "ext4", "/dev/mapper/data");
        var e = Resolver().Resolve("/data");
        Assert.Multiple(() =>
        {
            Assert.That(e.Volumes.Single().Luks, Is.Null);
            Assert.That(e.Volumes.Single().Problems.Single(), Does.Contain("primary header fails validation: keyslot 0: af is not an object"));
        });
    }

    [Test]
    public void Null_cipher_luks_volume_is_not_encrypted()
    {
        var image = LuksDevice("sda2", "--type", "luks2");
        Luks2Rewriter.EditJson(image.Path, j => j.Replace("aes-xts-plain64", "cipher_null-ecb"));
        _host.Disk("sda", "8:0", Sata).Partition("sda", "sda2", "8:2", 2)
            .Dm("dm-0", "253:0", "data", "CRYPT-LUKS2-x-data", "sda2").Mount("/data", "253:0", "ext4", "/dev/mapper/data");
        var e = Resolver().Resolve("/data");
        Assert.Multiple(() =>
        {
            Assert.That(e.Verdict.Encrypted, Is.EqualTo(EncryptionState.Unencrypted));
            Assert.That(e.Verdict.Reason, Does.Contain("cipher_null-ecb, which does not encrypt"));
        });
    }

    [Test]
    public void Missing_mountinfo_gives_an_unknown_verdict_not_a_crash()
    {
        var e = Resolver().Resolve("/models");
        Assert.That((e.Verdict.Encrypted, e.Chain.Count), Is.EqualTo((EncryptionState.Unknown, 0)));
    }

    [Test]
    public void Evidence_serialises_camel_case_without_key_material()
    {
        DebianLaptop();
        var evidence = Resolver().Collect(["/srv/models/x"]);
        var json = System.Text.Json.JsonSerializer.Serialize(evidence, StorageEvidenceJsonContext.Default.StorageEvidence);
        Assert.Multiple(() =>
        {
            Assert.That(json, Does.Contain("\"encrypted\": \"true\"").And.Contain("\"resolvedPath\"").And.Contain("\"atRest\": true").And.Contain("\"crypttab\""));
            Assert.That(json, Does.Not.Contain("salt").IgnoreCase.And.Not.Contain("digest").IgnoreCase.And.Not.Contain("tpm2-blob"));
        });
    }
}
