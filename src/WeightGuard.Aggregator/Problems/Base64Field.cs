namespace WeightGuard.Aggregator.Problems;

/// <summary>Decodes the binary fields of protocol messages; a bad or oversized value is a 400 naming the field.</summary>
internal static class Base64Field
{
    /// <summary>The bytes of a base64 field of at most <paramref name="maxBytes"/> bytes.</summary>
    public static byte[] Decode(string value, string field, int maxBytes)
    {
        if (value.Length > (maxBytes + 2) / 3 * 4 + 4) throw ProblemException.BadRequest($"{field} exceeds {maxBytes} bytes");
        try
        {
            var bytes = Convert.FromBase64String(value);
            return bytes.Length <= maxBytes ? bytes : throw ProblemException.BadRequest($"{field} exceeds {maxBytes} bytes");
        }
        catch (FormatException) { throw ProblemException.BadRequest($"{field} is not base64"); }
    }

    /// <summary>The bytes of a lowercase or uppercase hex field of exactly <paramref name="length"/> bytes.</summary>
    public static byte[] DecodeHex(string value, string field, int length)
    {
        if (value.Length != length * 2) throw ProblemException.BadRequest($"{field} must be {length} bytes of hex");
        try { return Convert.FromHexString(value); }
        catch (FormatException) { throw ProblemException.BadRequest($"{field} is not hex"); }
    }
}
