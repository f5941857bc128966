using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using WeightGuard.Aggregator.Pki;

namespace WeightGuard.Aggregator.Hosting;

/// <summary>
/// Encrypts the data-protection key ring's secret parts before they reach the database: AES-256-GCM under a key derived
/// (HKDF-SHA256) from the aggregator CA's private key, which every instance already holds. A copy of the database alone
/// (a backup, a read replica, a dump) therefore cannot forge or read dashboard sessions; it takes the CA key as well,
/// and whoever has that can already impersonate the aggregator. Replacing the CA signs everyone out.
/// </summary>
public sealed class KeyRingEncryption : IXmlEncryptor
{
    private const int NonceBytes = 12;
    private const int TagBytes = 16;
    private static readonly XNamespace Ns = "urn:weightguard:data-protection";
    private static readonly byte[] Purpose = "weightguard-aggregator data-protection key ring v1"u8.ToArray();

    private readonly byte[] _key;

    /// <summary>The encryption whose key is derived from <paramref name="ca"/>'s private key.</summary>
    public KeyRingEncryption(CertificateAuthority ca)
    {
        using var key = ca.Certificate.GetECDsaPrivateKey() ?? throw new InvalidOperationException("the CA certificate carries no private key");
        var d = key.ExportParameters(includePrivateParameters: true).D!;
        _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, d, 32, salt: null, info: Purpose);
        CryptographicOperations.ZeroMemory(d);
    }

    /// <inheritdoc/>
    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var plain = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var nonce = RandomNumberGenerator.GetBytes(NonceBytes);
        var sealedBytes = new byte[plain.Length];
        var tag = new byte[TagBytes];
        using (var gcm = new AesGcm(_key, TagBytes)) gcm.Encrypt(nonce, plain, sealedBytes, tag, Purpose);
        CryptographicOperations.ZeroMemory(plain);
        var element = new XElement(Ns + "encryptedKey", new XAttribute("version", 1),
            new XElement(Ns + "nonce", Convert.ToBase64String(nonce)),
            new XElement(Ns + "ciphertext", Convert.ToBase64String(sealedBytes)),
            new XElement(Ns + "tag", Convert.ToBase64String(tag)));
        return new EncryptedXmlInfo(element, typeof(KeyRingDecryption));
    }

    /// <summary>Decrypts an element <see cref="Encrypt"/> wrote; throws when it was altered or sealed under another CA's key.</summary>
    /// <exception cref="CryptographicException">The element does not decrypt.</exception>
    internal XElement Decrypt(XElement encrypted)
    {
        byte[] Part(string name) => Convert.FromBase64String(encrypted.Element(Ns + name)?.Value
            ?? throw new CryptographicException($"the encrypted key has no {name}"));
        var nonce = Part("nonce");
        var sealedBytes = Part("ciphertext");
        var tag = Part("tag");
        if (nonce.Length != NonceBytes || tag.Length != TagBytes) throw new CryptographicException("the encrypted key is malformed");
        var plain = new byte[sealedBytes.Length];
        try
        {
            using (var gcm = new AesGcm(_key, TagBytes)) gcm.Decrypt(nonce, sealedBytes, tag, plain, Purpose);
            return XElement.Parse(Encoding.UTF8.GetString(plain));
        }
        finally { CryptographicOperations.ZeroMemory(plain); }
    }
}

/// <summary>The key manager's decryptor for <see cref="KeyRingEncryption"/> (it creates decryptors by type, with the services).</summary>
/// <param name="services">The application's services, holding the <see cref="KeyRingEncryption"/>.</param>
public sealed class KeyRingDecryption(IServiceProvider services) : IXmlDecryptor
{
    /// <inheritdoc/>
    public XElement Decrypt(XElement encryptedElement) => services.GetRequiredService<KeyRingEncryption>().Decrypt(encryptedElement);
}
