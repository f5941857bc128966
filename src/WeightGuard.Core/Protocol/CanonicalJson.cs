using System.Globalization;
using System.Text;
using System.Text.Json;

namespace WeightGuard.Core.Protocol;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785): object members sorted by their UTF-16 code units, no whitespace, strings
/// with the minimal escapes, numbers as ECMAScript prints an IEEE-754 double. Two parties that parse the same JSON with
/// any library get the same bytes, which is what a TPM quote over "the evidence" needs.
/// </summary>
public static class CanonicalJson
{
    /// <summary>Canonical UTF-8 bytes of one JSON value.</summary>
    /// <exception cref="FormatException">A duplicate member name, a number outside the double range, or an unpaired surrogate.</exception>
    public static byte[] Canonicalize(JsonElement value)
    {
        var text = new StringBuilder();
        // System.Text.Json refuses to decode an escaped lone surrogate to a string; that is the same defect.
        try { Write(value, text); }
        catch (InvalidOperationException e) when (e.Message.Contains("surrogate", StringComparison.Ordinal)) { throw new FormatException("a string holds an unpaired UTF-16 surrogate", e); }
        try { return new UTF8Encoding(false, throwOnInvalidBytes: true).GetBytes(text.ToString()); }
        catch (EncoderFallbackException) { throw new FormatException("a string holds an unpaired UTF-16 surrogate"); }
    }

    private static void Write(JsonElement value, StringBuilder text)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                var members = value.EnumerateObject().Select(m => (m.Name, m.Value)).ToList();
                members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
                text.Append('{');
                for (var i = 0; i < members.Count; i++)
                {
                    if (i > 0)
                    {
                        if (members[i].Name == members[i - 1].Name) throw new FormatException($"duplicate member \"{members[i].Name}\"");
                        text.Append(',');
                    }
                    WriteString(members[i].Name, text);
                    text.Append(':');
                    Write(members[i].Value, text);
                }
                text.Append('}');
                break;
            case JsonValueKind.Array:
                text.Append('[');
                var first = true;
                foreach (var item in value.EnumerateArray())
                {
                    if (!first) text.Append(',');
                    first = false;
                    Write(item, text);
                }
                text.Append(']');
                break;
            case JsonValueKind.String: WriteString(value.GetString()!, text); break;
            case JsonValueKind.Number:
                if (!value.TryGetDouble(out var number) || !double.IsFinite(number))
                    throw new FormatException($"number {value.GetRawText()} is outside the IEEE-754 double range");
                text.Append(FormatNumber(number));
                break;
            case JsonValueKind.True: text.Append("true"); break;
            case JsonValueKind.False: text.Append("false"); break;
            case JsonValueKind.Null: text.Append("null"); break;
            default: throw new FormatException($"unexpected JSON value kind {value.ValueKind}");
        }
    }

    private static void WriteString(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }

    /// <summary>ECMAScript's Number.prototype.toString for a finite double (ECMA-262, 7.1.12.1).</summary>
    public static string FormatNumber(double value)
    {
        if (value == 0) return "0";
        // "R" gives the shortest digits that round-trip, as ECMAScript requires; only the layout differs.
        var shortest = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var exponentAt = shortest.IndexOfAny(['E', 'e']);
        var mantissa = exponentAt < 0 ? shortest : shortest[..exponentAt];
        var exponent = exponentAt < 0 ? 0 : int.Parse(shortest[(exponentAt + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var point = mantissa.IndexOf('.');
        var digits = point < 0 ? mantissa : mantissa.Remove(point, 1);
        // value = 0.digits × 10^n
        var n = (point < 0 ? mantissa.Length : point) + exponent;
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        n -= leadingZeros;
        var k = digits.Length;

        string body;
        if (k <= n && n <= 21) body = digits + new string('0', n - k);
        else if (0 < n && n <= 21) body = digits[..n] + "." + digits[n..];
        else if (-6 < n && n <= 0) body = "0." + new string('0', -n) + digits;
        else
        {
            var e = n - 1;
            var sign = e >= 0 ? "+" : "-";
            body = (k == 1 ? digits : digits[..1] + "." + digits[1..]) + "e" + sign + Math.Abs(e).ToString(CultureInfo.InvariantCulture);
        }
        return value < 0 ? "-" + body : body;
    }
}
