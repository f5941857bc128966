using WeightGuard.Collectors.Disk;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// cryptsetup's shipped test images (compatimage*, evil_hdr-*, luks2_*, the luks1/luks2 image archives), which its
/// licence keeps out of this repository: <c>WEIGHTGUARD_CRYPTSETUP_TESTS</c> names a directory holding cryptsetup's
/// <c>tests/</c> at the commit tests/fixtures/luks/SOURCES.md pins. Every LUKS-looking file in them is judged by
/// WeightGuard and by <c>cryptsetup luksDump</c> (on a copy: it may repair what it reads); both must accept or both
/// refuse, except for the deliberate differences listed with their reasons. Without the variable the test is skipped, in CI too (the data is optional, not a tool).
/// </summary>
[TestFixture]
public sealed class CryptsetupTestImagesTests
{
    private const string Variable = "WEIGHTGUARD_CRYPTSETUP_TESTS";

    /// <summary>Where WeightGuard differs on purpose, and why.</summary>
    private static readonly Dictionary<string, string> Deliberate = new(StringComparer.Ordinal)
    {
        // One header copy is overwritten by an LVM2 physical-volume label. cryptsetup refuses to auto-recover a device
        // on which blkid finds another signature; WeightGuard does not probe other formats, reads the intact copy and
        // reports the damaged one (header-copy-damaged), which fails WG-DISK-002.
        ["blkid-luks2-pv.img"] = "cryptsetup exit 1, WeightGuard accepts",
    };

    [Test]
    public void WeightGuard_and_cryptsetup_agree_on_the_shipped_images()
    {
        var source = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrEmpty(source) || !Directory.Exists(source))
            Assert.Ignore($"{Variable} does not name a directory with cryptsetup's tests/ (see tests/fixtures/luks/SOURCES.md)");
        var cryptsetup = ExternalTool.Require("cryptsetup");
        var xz = ExternalTool.Require("xz");
        var tar = ExternalTool.Require("tar");
        var work = Directory.CreateTempSubdirectory("wg-cryptsetup-images-").FullName;
        try
        {
            foreach (var archive in Directory.GetFiles(source, "*.xz"))
            {
                var name = Path.GetFileName(archive);
                if (name.EndsWith(".tar.xz", StringComparison.Ordinal))
                    Assert.That(ExternalTool.Run(tar, ["-xJf", archive, "-C", work]).ExitCode, Is.Zero, name);
                else
                {
                    var (code, _, stderr) = ExternalTool.Run("/bin/sh", ["-c", $"\"{xz}\" -dc \"$0\" > \"$1\"", archive, Path.Combine(work, name[..^3])]);
                    Assert.That(code, Is.Zero, stderr);
                }
            }
            var disagreements = new List<string>();
            int judged = 0, accepted = 0, agreed = 0;
            foreach (var image in Directory.EnumerateFiles(work, "*", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
            {
                if (new FileInfo(image).Length < 592) continue;
                string? ours = null;
                try
                {
                    LuksSummarizer.Summarize(LuksHeaderParser.ParseFile(image));
                }
                catch (LuksFormatException e)
                {
                    ours = e.Message;
                }
                var copy = image + ".dump";
                File.Copy(image, copy);
                var theirs = ExternalTool.Run(cryptsetup, ["luksDump", copy]);
                File.Delete(copy);
                judged++;
                if (theirs.ExitCode == 0) accepted++;
                if ((theirs.ExitCode == 0) == (ours is null)) agreed++;
                else
                {
                    var name = Path.GetRelativePath(work, image);
                    var difference = $"cryptsetup exit {theirs.ExitCode}, WeightGuard {ours ?? "accepts"}";
                    if (Deliberate.GetValueOrDefault(name) != difference) disagreements.Add($"{name}: {difference}");
                }
            }
            TestContext.Progress.WriteLine($"cryptsetup test images: {judged} files; cryptsetup accepts {accepted}, rejects {judged - accepted}; WeightGuard agrees on {agreed} " +
                                         $"(deliberate differences: {string.Join(", ", Deliberate.Keys)})");
            Assert.That(disagreements, Is.Empty);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
