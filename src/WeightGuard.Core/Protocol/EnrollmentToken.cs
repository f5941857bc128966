using System.Buffers.Text;
using System.Security.Cryptography;

namespace WeightGuard.Core.Protocol;

/// <summary>
/// A one-time enrolment token, <c>wg1.SECRET.CAPIN</c> (both base64url): the secret the aggregator stores only as a
/// SHA-256 hash, and the SHA-256 of the aggregator's CA certificate (DER) so that the agent trusts the server it enrols
/// with on first contact without trusting the network.
/// </summary>
/// <param name="Secret">32 random bytes.</param>
/// <param name="CaPin">SHA-256 of the aggregator CA certificate's DER encoding.</param>
public sealed record EnrollmentToken(byte[] Secret, byte[] CaPin)
{
    private const string Prefix = "wg1";

    /// <summary>A fresh token for the CA with this DER encoding.</summary>
    public static EnrollmentToken Create(ReadOnlySpan<byte> caCertificateDer) =>
        new(RandomNumberGenerator.GetBytes(32), SHA256.HashData(caCertificateDer));

    /// <summary>Reads a token as printed by <see cref="ToString"/>.</summary>
    /// <exception cref="FormatException">Not a token of this format.</exception>
    public static EnrollmentToken Parse(string text)
    {
        var parts = text.Trim().Split('.');
        if (parts.Length != 3 || parts[0] != Prefix)
            throw new FormatException("an enrolment token looks like wg1.SECRET.CAPIN (as printed by 'weightguard-aggregator tokens create')");
        var secret = Decode(parts[1], "secret");
        var pin = Decode(parts[2], "CA pin");
        return new EnrollmentToken(secret, pin);
    }

    /// <summary>What the aggregator stores: SHA-256 of the secret, lowercase hex.</summary>
    public string SecretHash => Convert.ToHexStringLower(SHA256.HashData(Secret));

    /// <summary>True when this certificate (DER) is the pinned CA.</summary>
    public bool Pins(ReadOnlySpan<byte> caCertificateDer) => CryptographicOperations.FixedTimeEquals(SHA256.HashData(caCertificateDer), CaPin);

    /// <inheritdoc/>
    public override string ToString() => $"{Prefix}.{Base64Url.EncodeToString(Secret)}.{Base64Url.EncodeToString(CaPin)}";

    private static byte[] Decode(string part, string what)
    {
        byte[] bytes;
        try { bytes = Base64Url.DecodeFromChars(part); }
        catch (FormatException) { throw new FormatException($"the token's {what} is not base64url"); }
        return bytes.Length == 32 ? bytes : throw new FormatException($"the token's {what} is {bytes.Length} bytes, not 32");
    }
}
