namespace WeightGuard.Collectors.Keys;

/// <summary>
/// Recognises key material by content markers and names, reading only the first bytes. Reports the kind of key;
/// the bytes themselves are never kept.
/// </summary>
public static class KeyFileDetector
{
    /// <summary>Files larger than this are not keys (keys and key files are small).</summary>
    public const long MaxKeySize = 64 * 1024;

    /// <summary>How many leading bytes <see cref="Detect"/> reads.</summary>
    public const int HeadBytes = 256;

    private static readonly string[] KeyNames = ["id_rsa", "id_ecdsa", "id_ed25519", "id_dsa", "keyfile", "luks.key", "disk.key"];
    private static readonly string[] KeyExtensions = [".key", ".pem", ".p12", ".pfx", ".keyfile", ".jwk"];

    /// <summary>The kind of key a file holds, or null.</summary>
    public static string? Detect(string fileName, long size, ReadOnlySpan<byte> head)
    {
        if (size > MaxKeySize) return null;
        var text = System.Text.Encoding.ASCII.GetString(head);
        if (text.Contains("-----BEGIN OPENSSH PRIVATE KEY-----", StringComparison.Ordinal)) return "openssh-private-key";
        if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal)) return "pkcs8-encrypted";
        if (text.Contains("PRIVATE KEY-----", StringComparison.Ordinal) && text.Contains("-----BEGIN ", StringComparison.Ordinal)) return "pem-private-key";
        var ext = Path.GetExtension(fileName).ToLowerInvariant();
        // PKCS#12 is DER: a SEQUENCE (0x30) with a long-form length, then INTEGER 3 (the PFX version).
        if (ext is ".p12" or ".pfx" && head.Length >= 8 && head[0] == 0x30 && head.IndexOf([(byte)0x02, (byte)0x01, (byte)0x03]) is >= 2 and <= 6)
            return "pkcs12";
        if (KeyNames.Contains(fileName) || (KeyExtensions.Contains(ext) && !text.Contains("CERTIFICATE-----", StringComparison.Ordinal) && !text.Contains("PUBLIC KEY-----", StringComparison.Ordinal)))
            return "named-key-file";
        return null;
    }
}
