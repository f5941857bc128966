using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace WeightGuard.Evidence.Tests.Gpu;

/// <summary>
/// A GPU with its own device identity PKI (root → intermediate → leaf, ECDSA P-384), producing SPDM 1.1 measurement
/// reports laid out as NVIDIA's and signed the same way, so every failure can be built on purpose.
/// </summary>
internal sealed class TestGpu : IDisposable
{
    public const string Driver = "570.124.06";
    public const string Vbios = "96.00.9F.00.01";

    public TestGpu(string rootName = "WeightGuard Test Device Identity CA")
    {
        RootKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var rootRequest = new CertificateRequest($"CN={rootName}", RootKey, HashAlgorithmName.SHA384);
        rootRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        rootRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        Root = rootRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(10));

        using var intermediateKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var intermediateRequest = new CertificateRequest("CN=WeightGuard Test GPU Identity", intermediateKey, HashAlgorithmName.SHA384);
        intermediateRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        intermediateRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var intermediatePublic = intermediateRequest.Create(Root, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5), [1]);
        Intermediate = intermediatePublic.CopyWithPrivateKey(intermediateKey);

        LeafKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var leafRequest = new CertificateRequest("CN=WeightGuard Test GPU Attestation Key", LeafKey, HashAlgorithmName.SHA384);
        leafRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        Leaf = leafRequest.Create(Intermediate, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(2), [0x42, 0x17]);
    }

    public ECDsa RootKey { get; }
    public ECDsa LeafKey { get; }
    public X509Certificate2 Root { get; }
    public X509Certificate2 Intermediate { get; }
    public X509Certificate2 Leaf { get; }

    /// <summary>The chain as NVML returns it: leaf first, root last.</summary>
    public IReadOnlyList<X509Certificate2> Chain => [Leaf, Intermediate, Root];

    public string ChainPem => string.Concat(Chain.Select(c => c.ExportCertificatePem() + "\n"));

    /// <summary>Eight SHA-384 measurements, index 1..8, each a digest of its index.</summary>
    public static IReadOnlyList<(int Index, byte[] Value)> Measurements { get; } =
        Enumerable.Range(1, 8).Select(i => (i, SHA384.HashData(BitConverter.GetBytes(i)))).ToList();

    /// <summary>A signed report answering <paramref name="nonce"/>.</summary>
    public byte[] Report(byte[] nonce, IReadOnlyList<(int Index, byte[] Value)>? measurements = null, ECDsa? signer = null)
    {
        var bytes = new List<byte> { 0x11, 0xE0, 0x01, 0xFF };
        bytes.AddRange(nonce);
        bytes.Add(0x00);
        var record = new List<byte>();
        foreach (var (index, value) in measurements ?? Measurements)
        {
            record.Add((byte)index);
            record.Add(0x01);
            record.AddRange(Le16(3 + value.Length));
            record.Add(0x01);
            record.AddRange(Le16(value.Length));
            record.AddRange(value);
        }
        bytes.AddRange([0x11, 0x60, 0x00, 0x00, (byte)(measurements ?? Measurements).Count]);
        bytes.AddRange([(byte)record.Count, (byte)(record.Count >> 8), (byte)(record.Count >> 16)]);
        bytes.AddRange(record);
        bytes.AddRange(RandomNumberGenerator.GetBytes(32));
        var opaque = new List<byte>();
        opaque.AddRange(Field(3, Encoding.ASCII.GetBytes(Driver + "\0")));
        opaque.AddRange(Field(6, VbiosBytes));
        bytes.AddRange(Le16(opaque.Count));
        bytes.AddRange(opaque);
        var signature = (signer ?? LeafKey).SignData(bytes.ToArray(), HashAlgorithmName.SHA384, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        bytes.AddRange(signature);
        return [.. bytes];
    }

    /// <summary>VBIOS 96.00.9F.00.01 as NVIDIA's opaque field holds it (the bytes of NVIDIA's sample report).</summary>
    private static byte[] VbiosBytes => Convert.FromHexString("009F009601000000");

    /// <summary>A RIM (SWID tag) for <paramref name="version"/> whose active measurements are <paramref name="values"/> (RIM index = block index − 1).</summary>
    public static string Rim(string version, IEnumerable<(int Index, byte[] Value)> values, bool includeDoctype = false)
    {
        var resources = string.Concat(values.Select(v =>
            $"""<Resource type="Measurement" index="{v.Index - 1}" active="True" alternatives="1" ns2:Hash0="{Convert.ToHexStringLower(v.Value)}" name="Measurement_{v.Index - 1}" size="48"/>"""));
        var doctype = includeDoctype ? """<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>""" : "";
        return $"""<?xml version="1.0"?>{doctype}<SoftwareIdentity xmlns="http://standards.iso.org/iso/19770/-2/2015/schema.xsd" xmlns:ns2="http://www.w3.org/2001/04/xmlenc#sha384" name="TEST" tagId="t" version="1.0"><Meta colloquialVersion="{version}"/><Payload>{resources}</Payload></SoftwareIdentity>""";
    }

    /// <summary>A CRL issued by the intermediate that revokes the leaf.</summary>
    public byte[] CrlRevokingLeaf()
    {
        var builder = new CertificateRevocationListBuilder();
        builder.AddEntry(Leaf, DateTimeOffset.UtcNow.AddHours(-1));
        return builder.Build(Intermediate, 1, DateTimeOffset.UtcNow.AddDays(7), HashAlgorithmName.SHA384);
    }

    private static byte[] Field(int type, byte[] value) => [.. Le16(type), .. Le16(value.Length), .. value];

    private static byte[] Le16(int value)
    {
        var b = new byte[2];
        BinaryPrimitives.WriteUInt16LittleEndian(b, (ushort)value);
        return b;
    }

    public void Dispose()
    {
        RootKey.Dispose();
        LeafKey.Dispose();
        Root.Dispose();
        Intermediate.Dispose();
        Leaf.Dispose();
    }
}
