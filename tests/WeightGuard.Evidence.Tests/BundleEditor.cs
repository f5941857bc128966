using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;

namespace WeightGuard.Evidence.Tests;

/// <summary>
/// Rewrites a bundle's entries the way an attacker would: change, drop, add or rename files, and optionally rebuild the
/// manifest and re-sign it (with the genuine key, to reach the checks behind the signature, or with another).
/// </summary>
internal sealed class BundleEditor
{
    private readonly List<(string Path, byte[] Bytes)> _entries = [];

    public BundleEditor(byte[] bundle)
    {
        using var zip = new ZipArchive(new MemoryStream(bundle), ZipArchiveMode.Read);
        foreach (var e in zip.Entries)
        {
            using var s = e.Open();
            using var m = new MemoryStream();
            s.CopyTo(m);
            _entries.Add((e.FullName, m.ToArray()));
        }
    }

    public IEnumerable<string> Paths => _entries.Select(e => e.Path);

    public byte[] Get(string path) => _entries.Single(e => e.Path == path).Bytes;

    public BundleEditor Set(string path, byte[] bytes)
    {
        var i = _entries.FindIndex(e => e.Path == path);
        if (i < 0) _entries.Add((path, bytes));
        else _entries[i] = (path, bytes);
        return this;
    }

    public BundleEditor Add(string path, byte[] bytes)
    {
        _entries.Add((path, bytes));
        return this;
    }

    public BundleEditor FlipByte(string path, int? at = null)
    {
        var bytes = Get(path).ToArray();
        var i = at ?? bytes.Length / 2;
        bytes[i] ^= 0x01;
        return Set(path, bytes);
    }

    public BundleEditor Remove(string path)
    {
        Assert.That(_entries.RemoveAll(e => e.Path == path), Is.EqualTo(1), path);
        return this;
    }

    /// <summary>Moves every entry under <paramref name="from"/> to <paramref name="to"/>.</summary>
    public BundleEditor Move(string from, string to)
    {
        for (var i = 0; i < _entries.Count; i++)
            if (_entries[i].Path.StartsWith(from, StringComparison.Ordinal))
                _entries[i] = (to + _entries[i].Path[from.Length..], _entries[i].Bytes);
        return this;
    }

    /// <summary>Rebuilds manifest.json from the current entries and signs it with <paramref name="pki"/>.</summary>
    public BundleEditor Resign(TestPki pki)
    {
        var old = JsonSerializer.Deserialize(Get(BundleLayout.Manifest), BundleJsonContext.Default.ManifestDocument)!;
        var files = _entries.Where(e => e.Path is not (BundleLayout.Manifest or BundleLayout.Signature)).OrderBy(e => e.Path, StringComparer.Ordinal)
            .Select(e => new ManifestFile(e.Path, Convert.ToHexStringLower(SHA256.HashData(e.Bytes)), e.Bytes.Length)).ToList();
        var manifest = JsonSerializer.SerializeToUtf8Bytes(old with { Files = files }, BundleJsonContext.Default.ManifestDocument);
        Set(BundleLayout.Manifest, manifest);
        return Set(BundleLayout.Signature, ManifestSignature.Sign(manifest, pki.Key, old.CreatedAt));
    }

    public byte[] ToBytes()
    {
        using var output = new MemoryStream();
        using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (path, bytes) in _entries)
            {
                using var s = zip.CreateEntry(path).Open();
                s.Write(bytes);
            }
        return output.ToArray();
    }

    public static BundleVerification Verify(byte[] bundle, TestPki? trust = null, BundleLimits? limits = null) =>
        EvidenceBundleVerifier.Verify(new MemoryStream(bundle), (trust ?? TestPki.Aggregator).Ca, limits);
}
