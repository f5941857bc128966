using System.Security.Cryptography;
using System.Text;
using WeightGuard.Tpm.EventLog;

namespace WeightGuard.Tpm.Tests;

public class ImaMeasurementListTests
{
    /// <summary>An ima-ng entry as the kernel builds it: template data = [len]"sha256:\0"+digest, [len]path\0 (little-endian lengths).</summary>
    private static (string Line, byte[] TemplateHash) ImaNg(string path, byte[] content)
    {
        var digest = SHA256.HashData(content);
        var d = Encoding.ASCII.GetBytes("sha256:\0").Concat(digest).ToArray();
        var n = Encoding.UTF8.GetBytes(path + "\0");
        byte[] data = [.. BitConverter.GetBytes(d.Length), .. d, .. BitConverter.GetBytes(n.Length), .. n];
        var hash = SHA1.HashData(data);
        return ($"10 {Convert.ToHexStringLower(hash)} ima-ng sha256:{Convert.ToHexStringLower(digest)} {path}", hash);
    }

    [Test]
    public void ReplaysIntoPcr10WithViolationsExtendingOnes()
    {
        var a = ImaNg("/usr/bin/bash", "bash"u8.ToArray());
        var b = ImaNg("/etc/with space", "x"u8.ToArray());
        var violation = $"10 {new string('0', 40)} ima-ng sha256:{new string('0', 64)} /var/log/open-for-write";
        var list = ImaMeasurementList.Parse(new StringReader($"{a.Line}\n{violation}\n{b.Line}\n"));

        var pcr = new byte[20];
        foreach (var extend in new[] { a.TemplateHash, Enumerable.Repeat((byte)0xFF, 20).ToArray(), b.TemplateHash })
            pcr = SHA1.HashData([.. pcr, .. extend]);
        Assert.That(list.Replay().Get(TpmAlgId.Sha1, 10), Is.EqualTo(pcr));
        Assert.That(list.Violations, Is.EqualTo(1));
        Assert.That(list.Entries[2].TemplateData, Does.EndWith("/etc/with space"));
    }

    [TestCase("10 abc ima-ng x", "line 1: template hash 'abc' is not 40 hex digits (SHA-1)")]
    [TestCase("x 0000000000000000000000000000000000000000 ima-ng", "line 1: 'x' is not a PCR index")]
    [TestCase("10", "line 1: expected 'PCR template-hash template-name …'")]
    public void MalformedLinesNameTheLine(string text, string message) =>
        Assert.That(() => ImaMeasurementList.Parse(new StringReader(text)), Throws.TypeOf<FormatException>().With.Message.EqualTo(message));
}
