using System.Buffers.Binary;
using System.IO.Compression;
using WeightGuard.Cli.Tests;

namespace WeightGuard.Evidence.Tests;

/// <summary>
/// Bundles forged at the zip and CMS level: each is a named defect, exit 1, within 20 s and a 256 MiB heap; never an
/// exception escaping the verifier, a stack trace, or memory proportional to what the bundle claims to inflate to.
/// </summary>
public class HostileBundleTests
{
    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = Directory.CreateTempSubdirectory("weightguard-hostile-bundle-").FullName;

    [TearDown]
    public void TearDown() => Directory.Delete(_dir, recursive: true);

    private (int Exit, string Stdout, string Stderr) VerifyThroughCli(byte[] bundle)
    {
        var path = Path.Combine(_dir, "bundle.zip");
        File.WriteAllBytes(path, bundle);
        var result = WeightGuardProcess.RunBounded("evidence", "verify", path);
        Assert.That(result.Stderr, Does.Not.Contain("   at "), "no stack trace");
        return result;
    }

    [Test]
    public void AnEndRecordWhoseCountDisagreesWithTheCentralDirectoryIsADefect()
    {
        var zip = Fleet.Bundle();
        var end = zip.AsSpan().LastIndexOf("PK\x05\x06"u8);
        var count = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(end + 10));
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 8), (ushort)(count + 3));
        BinaryPrimitives.WriteUInt16LittleEndian(zip.AsSpan(end + 10), (ushort)(count + 3));

        var (exit, stdout, _) = VerifyThroughCli(zip);

        Assert.That(exit, Is.EqualTo(1), stdout);
        Assert.That(stdout, Does.Contain("FAILED     bundle: not a readable zip archive:"));
    }

    [Test]
    public void ACorruptedCertificateInsideTheSignatureIsADefect()
    {
        var editor = new BundleEditor(Fleet.Bundle());
        var p7s = editor.Get(BundleLayout.Signature).ToArray();
        var certificate = TestPki.Aggregator.Signer.RawData;
        var at = p7s.AsSpan().IndexOf(certificate);
        Assert.That(at, Is.GreaterThan(0), "the signer's certificate is embedded");
        p7s[at + 4] = 0x31; // the TBSCertificate SEQUENCE becomes a SET: the signature still decodes, the certificate does not
        var zip = editor.Set(BundleLayout.Signature, p7s).ToBytes();

        var check = ManifestSignature.Verify(editor.Get(BundleLayout.Manifest), p7s, TestPki.Aggregator.Ca, DateTimeOffset.UtcNow);
        Assert.That(check.Problems.Single(), Does.StartWith("the signature holds a malformed structure or certificate:"));
        var (exit, stdout, _) = VerifyThroughCli(zip);
        Assert.That(exit, Is.EqualTo(1), stdout);
        Assert.That(stdout, Does.Contain("the signature holds a malformed structure or certificate"));
    }

    [Test]
    public void ASmallBundleDeclaringHundredsOfMebibytesIsRefusedBeforeInflating()
    {
        // 94 entries of 8 MiB that compress about 90:1 each (under the per-entry limit of 200:1): ~9 MB inflating to 752 MiB.
        var zip = RepeatedEntryZip(entries: 94, entryBytes: 8 << 20);
        Assert.That(zip.Length, Is.LessThan(16 << 20));

        var (exit, stdout, _) = VerifyThroughCli(zip);

        Assert.That(exit, Is.EqualTo(1), stdout);
        Assert.That(stdout, Does.Match(@"bundle: declares 788529152 bytes uncompressed in [0-9]+ \(ratio [0-9]+:1, limit 30:1 for the whole archive; a zip bomb\?\)"));
    }

    /// <summary>
    /// A zip written by hand so that one deflated block serves every entry (writing 750 MiB through a compressor would
    /// make the test slow). CRCs are zero: the archive is refused before any entry is inflated, so none is checked.
    /// </summary>
    private static byte[] RepeatedEntryZip(int entries, int entryBytes)
    {
        var plain = new byte[entryBytes];
        var random = new Random(7);
        for (var i = 0; i < plain.Length; i += 256) plain[i] = (byte)random.Next(256);
        using var deflated = new MemoryStream();
        using (var deflate = new DeflateStream(deflated, CompressionLevel.Fastest, leaveOpen: true)) deflate.Write(plain);
        var data = deflated.ToArray();

        using var zip = new MemoryStream();
        using var w = new BinaryWriter(zip);
        var offsets = new List<(string Name, long Offset)>();
        for (var i = 0; i < entries; i++)
        {
            var name = $"hosts/a{i}/reports/00000000-0000-4000-8000-{i:D12}/report.json";
            offsets.Add((name, zip.Position));
            w.Write(0x04034b50u); w.Write((ushort)20); w.Write((ushort)0); w.Write((ushort)8); w.Write(0u); w.Write(0u);
            w.Write((uint)data.Length); w.Write((uint)entryBytes); w.Write((ushort)name.Length); w.Write((ushort)0);
            w.Write(System.Text.Encoding.ASCII.GetBytes(name)); w.Write(data);
        }
        var directory = zip.Position;
        foreach (var (name, offset) in offsets)
        {
            w.Write(0x02014b50u); w.Write((ushort)20); w.Write((ushort)20); w.Write((ushort)0); w.Write((ushort)8); w.Write(0u); w.Write(0u);
            w.Write((uint)data.Length); w.Write((uint)entryBytes); w.Write((ushort)name.Length); w.Write((ushort)0); w.Write((ushort)0);
            w.Write((ushort)0); w.Write((ushort)0); w.Write(0u); w.Write((uint)offset); w.Write(System.Text.Encoding.ASCII.GetBytes(name));
        }
        var size = zip.Position - directory;
        w.Write(0x06054b50u); w.Write((ushort)0); w.Write((ushort)0); w.Write((ushort)entries); w.Write((ushort)entries);
        w.Write((uint)size); w.Write((uint)directory); w.Write((ushort)0);
        w.Flush();
        return zip.ToArray();
    }
}
