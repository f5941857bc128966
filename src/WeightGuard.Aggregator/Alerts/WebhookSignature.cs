using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace WeightGuard.Aggregator.Alerts;

/// <summary>
/// How a webhook receiver knows an event came from this aggregator and is fresh. Each send carries
/// <c>X-WeightGuard-Timestamp</c> (Unix seconds) and <c>X-WeightGuard-Signature: v1=HEX</c>, the HMAC-SHA256 under the
/// webhook's secret of <c>TIMESTAMP "." BODY</c>. A receiver recomputes it over the raw body, compares in constant time,
/// refuses a timestamp more than <see cref="Tolerance"/> away from its clock (a replayed old send) and de-duplicates by
/// the event id (a retry is the same event).
/// </summary>
public static class WebhookSignature
{
    /// <summary>The header holding the signature.</summary>
    public const string SignatureHeader = "X-WeightGuard-Signature";
    /// <summary>The header holding the send time (Unix seconds), part of what is signed.</summary>
    public const string TimestampHeader = "X-WeightGuard-Timestamp";
    /// <summary>The header holding the event id.</summary>
    public const string EventIdHeader = "X-WeightGuard-Event-Id";
    /// <summary>The header holding the event type.</summary>
    public const string EventTypeHeader = "X-WeightGuard-Event";
    /// <summary>The signature scheme's prefix.</summary>
    public const string Scheme = "v1=";
    /// <summary>How far a timestamp may be from the receiver's clock.</summary>
    public static TimeSpan Tolerance { get; } = TimeSpan.FromMinutes(5);

    /// <summary>The signature header's value for <paramref name="body"/> sent at <paramref name="timestamp"/>.</summary>
    public static string Sign(byte[] secret, long timestamp, ReadOnlySpan<byte> body) => Scheme + Convert.ToHexStringLower(Mac(secret, timestamp, body));

    /// <summary>
    /// True when <paramref name="signature"/> is this secret's over <paramref name="body"/> at <paramref name="timestamp"/>
    /// and the timestamp is within <see cref="Tolerance"/> of <paramref name="now"/>: what a receiver checks.
    /// </summary>
    public static bool Verify(byte[] secret, string? timestamp, string? signature, ReadOnlySpan<byte> body, DateTimeOffset now)
    {
        if (!long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)) return false;
        if ((now - DateTimeOffset.FromUnixTimeSeconds(Math.Min(seconds, 253402300799))).Duration() > Tolerance) return false;
        if (signature is null || !signature.StartsWith(Scheme, StringComparison.Ordinal)) return false;
        byte[] given;
        try { given = Convert.FromHexString(signature.AsSpan(Scheme.Length)); }
        catch (FormatException) { return false; }
        return CryptographicOperations.FixedTimeEquals(given, Mac(secret, seconds, body));
    }

    private static byte[] Mac(byte[] secret, long timestamp, ReadOnlySpan<byte> body)
    {
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, secret);
        hmac.AppendData(Encoding.ASCII.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + "."));
        hmac.AppendData(body);
        return hmac.GetHashAndReset();
    }
}
