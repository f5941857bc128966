using WeightGuard.Collectors.Disk;
using WeightGuard.Core.Evidence;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Disk;

[TestFixture]
public sealed class LinuxTableParserTests
{
    [Test]
    public void Mountinfo_handles_optional_fields_escapes_and_malformed_lines()
    {
        var problems = new List<string>();
        var text = string.Join('\n',
            "27 1 254:1 / / rw,relatime shared:1 - ext4 /dev/mapper/vg-root rw,errors=remount-ro",
            "60 27 0:52 / /mnt/model\\040store rw,nosuid shared:30 master:2 propagate_from:1 - nfs4 10.0.0.5:/export\\011tab rw,vers=4.2",
            "61 27 0:53 /sub /mnt/no-optional rw - tmpfs tmpfs rw",
            "garbage line",
            "62 27 0:54 / /mnt/x rw shared:1 nothing-after-separator");
        var entries = MountInfo.Parse(text, problems);
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => e.MountPoint), Is.EqualTo(new[] { "/", "/mnt/model store", "/mnt/no-optional" }));
            Assert.That(entries[1].OptionalFields, Is.EqualTo(new[] { "shared:30", "master:2", "propagate_from:1" }));
            Assert.That((entries[1].FsType, entries[1].Source, entries[1].Major, entries[1].Minor), Is.EqualTo(("nfs4", "10.0.0.5:/export\ttab", 0, 52)));
            Assert.That((entries[2].Root, entries[2].OptionalFields.Count), Is.EqualTo(("/sub", 0)));
            Assert.That(problems, Is.EqualTo(new[] { "/proc/self/mountinfo:4: malformed line", "/proc/self/mountinfo:5: malformed line" }));
            Assert.That(MountInfo.Unescape("a\\134b\\04"), Is.EqualTo("a\\b\\04"), "backslash decoded; a cut-off escape kept as is");
        });
    }

    [Test]
    public void Live_mountinfo_parses_every_line()
    {
        var text = File.ReadAllText("/proc/self/mountinfo");
        var problems = new List<string>();
        var entries = MountInfo.Parse(text, problems);
        Assert.Multiple(() =>
        {
            Assert.That(problems, Is.Empty);
            Assert.That(entries, Has.Count.EqualTo(text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length));
            Assert.That(entries.Select(e => e.MountPoint), Does.Contain("/"));
        });
    }

    [Test]
    public void Crypttab_reads_key_files_options_and_passphrase_entries()
    {
        var problems = new List<string>();
        var entries = Crypttab.Parse("""
            # <target name>	<source device>		<key file>	<options>
            nvme0n1p3_crypt UUID=0b6b3c2e-7d4f-4a3e-9f5e-2f1d3c4b5a69 none luks,discard,tpm2-device=auto
            data	/dev/disk/by-partlabel/data	/etc/keys/data.key	luks,nofail
            cryptswap /dev/vda3 /dev/urandom swap,cipher=aes-xts-plain64,size=512
            usbkey PARTUUID=1234 /keys/k.bin:UUID=abcd luks
            home /dev/sda4 - luks,keyscript=/lib/cryptsetup/scripts/decrypt_keyctl
            lonely
            """, problems);
        Assert.Multiple(() =>
        {
            Assert.That(entries.Select(e => (e.Name, e.KeyFile)), Is.EqualTo(new[]
            {
                ("nvme0n1p3_crypt", (string?)null), ("data", "/etc/keys/data.key"), ("cryptswap", "/dev/urandom"),
                ("usbkey", "/keys/k.bin:UUID=abcd"), ("home", null),
            }));
            Assert.That(entries[0].Options, Is.EqualTo(new[] { "luks", "discard", "tpm2-device=auto" }));
            Assert.That(entries.Select(Crypttab.KeyFilePath), Is.EqualTo(new[] { null, "/etc/keys/data.key", null, null, null }));
            Assert.That(problems, Is.EqualTo(new[] { "/etc/crypttab:7: expected at least a name and a device" }));
        });
    }

    [Test]
    public void Proc_swaps_skips_the_header_and_decodes_names()
    {
        var swaps = ProcSwaps.Parse("Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n/dev/dm-2                               partition\t1003516\t\t0\t\t-2\n/swap\\040file file 4194300 0 -3\n");
        Assert.That(swaps, Is.EqualTo(new[] { new SwapEntry("/dev/dm-2", "partition", 1003516), new SwapEntry("/swap file", "file", 4194300) }));
    }

    [Test]
    public void Unlock_methods_come_from_tokens_free_keyslots_and_crypttab()
    {
        static LuksKeyslotSummary Slot(int id) => new(id, "luks2", 512, "aes-xts-plain64", null, new PbkdfSummary("argon2id", null, null, 4, 1048576, 4), 4000);
        var luks = new LuksSummary(2, "u", null, "aes-xts-plain64", 512, 4096, 16777216, null, [Slot(0), Slot(1), Slot(2)],
            [
                new LuksTokenSummary(0, "systemd-tpm2", ["1"], Tpm2Pcrs: [7, 11], Tpm2PcrBank: "sha256", Tpm2Pin: true),
                new LuksTokenSummary(1, "clevis", ["2"], ClevisPin: "tang", ClevisTangUrls: ["http://tang1", "http://tang2"]),
            ], true, [], "crypt", true, []);
        var withKeyFile = new CrypttabEntry(1, "data", "UUID=u", "/etc/keys/data.key", ["luks"], null);
        var methods = UnlockAnalyzer.Analyze(luks, withKeyFile);
        Assert.Multiple(() =>
        {
            Assert.That(methods.Select(m => (m.Method, string.Join(',', m.Keyslots))), Is.EqualTo(new[]
            {
                ("tpm2", "1"), ("clevis-tang", "2"), ("key-file", "0"), ("passphrase", "0"),
            }));
            Assert.That(methods[0].Details, Is.EqualTo(new Dictionary<string, string> { ["pcrBank"] = "sha256", ["pcrs"] = "7+11", ["pin"] = "true" }));
            Assert.That(methods[1].Details["tangUrls"], Is.EqualTo("http://tang1 http://tang2"));
            Assert.That(UnlockAnalyzer.Analyze(null, new CrypttabEntry(2, "cryptswap", "/dev/vda3", "/dev/urandom", ["swap"], null)).Single().Method,
                Is.EqualTo("random-key"));
            Assert.That(UnlockAnalyzer.Analyze(null, null).Single().Method, Is.EqualTo("passphrase"));
        });
    }

    [Test]
    public void Fscrypt_policies_decode_as_the_kernel_returns_them()
    {
        // v2 policy read from a loop-mounted ext4 with the encrypt feature (fscrypt 0.3, Debian 12): AES-256-XTS / AES-256-CTS.
        var v2 = FscryptPolicy.Decode([0x02, 0x01, 0x04, 0x00, 0, 0, 0, 0, .. new byte[16]]);
        var v1 = FscryptPolicy.Decode([0x00, 0x09, 0x09, 0x02, .. new byte[8]]);
        Assert.Multiple(() =>
        {
            Assert.That(v2, Is.EqualTo(new FscryptPolicy(2, "AES-256-XTS", "AES-256-CTS", 0)));
            Assert.That(v2!.ContentsKeyBits, Is.EqualTo(512));
            Assert.That(v1, Is.EqualTo(new FscryptPolicy(1, "Adiantum", "Adiantum", 2)));
            Assert.That(FscryptPolicy.Decode([0x02, 0x01]), Is.Null, "short");
            Assert.That(FscryptPolicy.Decode([0x07, 1, 4, 0, .. new byte[20]]), Is.Null, "unknown version");
        });
    }

    [Test]
    public void Fscrypt_probe_on_this_machine_reports_without_throwing()
    {
        // This machine's test directory has no fscrypt policy: whatever the file system, the answer is not "encrypted".
        var dir = Directory.CreateTempSubdirectory("wg-fscrypt-");
        try
        {
            var (result, policy) = FscryptProbe.Probe(dir.FullName);
            Assert.That((result, policy), Is.AnyOf((FscryptProbeResult.NotEncrypted, (FscryptPolicy?)null), (FscryptProbeResult.Unsupported, (FscryptPolicy?)null)));
            Assert.That(FscryptProbe.Probe(Path.Combine(dir.FullName, "missing")).Result, Is.EqualTo(FscryptProbeResult.Failed));
        }
        finally
        {
            dir.Delete();
        }
    }

    /// <summary>The live host's root, resolved through the real /proc and /sys, names the same block devices as lsblk.</summary>
    [Test]
    public void Live_root_chain_names_the_devices_lsblk_names()
    {
        var lsblk = ExternalTool.Require("lsblk");
        var root = new StorageChainResolver(HostRoot.Live).Resolve("/");
        var top = root.Chain.FirstOrDefault(l => l.Kind is "disk" or "partition" or "dm-crypt" or "lvm" or "md" or "loop" or "dm");
        Assume.That(top, Is.Not.Null, "/ is not on a block device here");
        var (code, stdout, _) = ExternalTool.Run(lsblk, ["--inverse", "--noheadings", "--raw", "--output", "KNAME", $"/dev/{top!.Name}"]);
        Assert.That(code, Is.Zero);
        var theirs = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim()).Order().ToList();
        var ours = root.Chain.Where(l => l.Device is not null && l.Kind != "mount").Select(l => l.Name).Order().ToList();
        Assert.That(ours, Is.EqualTo(theirs));
    }
}
