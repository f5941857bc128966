using System.Collections.Concurrent;
using WeightGuard.Collectors.Disk;
using WeightGuard.Testing;

namespace WeightGuard.Collectors.Tests.Disk;

/// <summary>
/// cryptsetup's LUKS2 validation headers (<see cref="Luks2ValidationHeaders"/>), each judged by WeightGuard and by the
/// local <c>cryptsetup luksDump</c>: both must accept or both refuse, and when both accept they must read the same data
/// cipher and key slots. Each header is also checked against the result cryptsetup's own test expects, which shows the
/// mutation was reproduced faithfully. The counts are printed at the end of the run.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class Luks2ValidationCorpusTests
{
    private static readonly ConcurrentDictionary<string, (bool Cryptsetup, bool Ours)> Results = new();
    private string _dir = null!;
    private byte[] _base = null!;
    private string _cryptsetup = null!;

    [OneTimeSetUp]
    public void MakeBaseHeader()
    {
        _cryptsetup = ExternalTool.Require("cryptsetup");
        _dir = Directory.CreateTempSubdirectory("wg-luks2-validation-").FullName;
        // Eight keyslots in a 16 KiB header with data at 4 MiB, like the valid header cryptsetup's generators start from.
        var image = LuksImage.Format(_dir, "base.img", Luks2ValidationHeaders.ImageSize, Luks2ValidationHeaders.BaseFormat);
        for (var i = 1; i < 8; i++) image.AddKey(Luks2ValidationHeaders.BaseFormat[^8..]);
        _base = File.ReadAllBytes(image.Path);
    }

    [OneTimeTearDown]
    public void Report()
    {
        if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
        if (Results.IsEmpty) return;
        var accepted = Results.Values.Count(r => r.Cryptsetup);
        TestContext.Progress.WriteLine(
            $"LUKS2 validation headers: {Results.Count} generated; cryptsetup accepts {accepted}, rejects {Results.Count - accepted}; " +
            $"WeightGuard agrees on {Results.Values.Count(r => r.Cryptsetup == r.Ours)} " +
            $"({Results.Values.Count(r => r.Cryptsetup && r.Ours)} accepted, {Results.Values.Count(r => !r.Cryptsetup && !r.Ours)} rejected)");
    }

    private static IEnumerable<Luks2ValidationHeaders.Generator> Generators => Luks2ValidationHeaders.All;

    [TestCaseSource(nameof(Generators))]
    public void WeightGuard_and_cryptsetup_agree(Luks2ValidationHeaders.Generator generator)
    {
        var image = new Luks2ValidationHeaders.Image((byte[])_base.Clone());
        generator.Mutate(image);
        var path = Path.Combine(_dir, $"luks2-{generator.Name}.img");
        File.WriteAllBytes(path, image.Bytes);

        // Ours first: luksDump may repair the file it reads (header auto-recovery).
        LuksHeader? ours = null;
        string? refusal = null;
        try
        {
            ours = LuksHeaderParser.ParseFile(path);
        }
        catch (LuksFormatException e)
        {
            refusal = e.Message;
        }
        var (code, stdout, stderr) = ExternalTool.Run(_cryptsetup, ["luksDump", path]);
        Results[generator.Name] = (code == 0, ours is not null);
        Assert.Multiple(() =>
        {
            Assert.That(code == 0, Is.EqualTo(generator.Expected == 'R'),
                $"cryptsetup's own test expects {generator.Expected}; the mutation was not reproduced ({stderr.Trim()})");
            Assert.That(ours is not null, Is.EqualTo(code == 0), $"cryptsetup exit {code}; WeightGuard: {refusal ?? "accepted"}");
        });
        if (ours?.Luks2 is not { } header || code != 0) return;
        var dump = LuksDump.Parse(stdout);
        var summary = LuksSummarizer.Summarize(ours);
        Assert.Multiple(() =>
        {
            Assert.That(summary.Keyslots.Select(k => k.Id), Is.EqualTo(dump["Keyslots"].Select(e => e.Id).Order()));
            Assert.That(header.Metadata.Segments.Select(s => s.Type), Is.EqualTo(dump["Data segments"].OrderBy(e => e.Id).Select(e => e.Type)));
            var crypt = dump["Data segments"].Where(e => e.Attributes.ContainsKey("cipher")).Select(e => e.Attributes["cipher"]);
            Assert.That(header.Metadata.Segments.Where(s => s.Type == "crypt").Select(s => s.Encryption), Is.EqualTo(crypt));
        });
    }
}
