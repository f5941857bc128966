using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace WeightGuard.Collectors.Disk;

/// <summary>
/// Lenient field access for LUKS2 JSON that has already passed <see cref="Luks2Validator"/>: a field cryptsetup does not
/// validate may hold any type, so a value of an unexpected type reads as absent instead of failing the header.
/// </summary>
internal static class LuksJson
{
    /// <summary>
    /// <paramref name="text"/> with invalid UTF-8 sequences replaced by U+FFFD. json-c, which cryptsetup and clevis use,
    /// does not check UTF-8, while System.Text.Json refuses such a string only when it is read; replacing leaves the
    /// structure and every valid string as cryptsetup reads them.
    /// </summary>
    public static ReadOnlyMemory<byte> ValidUtf8(ReadOnlyMemory<byte> text) =>
        Utf8.IsValid(text.Span) ? text : Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(text.Span));

    /// <summary>The property <paramref name="name"/> of <paramref name="e"/> when <paramref name="e"/> is an object and has it.</summary>
    public static JsonElement? Property(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v : null;

    public static JsonElement? Object(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Object } v ? v : null;

    public static string? String(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    /// <summary>An integer: a JSON number that fits 64 bits.</summary>
    public static long? Long(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;

    public static int? Int(JsonElement e, string name) => Long(e, name) is { } v ? (int)Math.Clamp(v, int.MinValue, int.MaxValue) : null;

    public static bool? Bool(JsonElement e, string name) => Property(e, name) switch
    {
        { ValueKind: JsonValueKind.True } => true,
        { ValueKind: JsonValueKind.False } => false,
        _ => null,
    };

    /// <summary>A 64-bit value written as a decimal string, as LUKS2 writes offsets and sizes.</summary>
    public static ulong? U64String(JsonElement e, string name) => String(e, name) is { } s ? Luks2Validator.StrToU64(s) : null;

    /// <summary>The string items of an array (others skipped), or an empty list when there is no array.</summary>
    public static IReadOnlyList<string> Strings(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Array } a
            ? a.EnumerateArray().Where(i => i.ValueKind == JsonValueKind.String).Select(i => i.GetString()!).ToList()
            : [];

    /// <summary>Integers from an array of numbers or numeric strings (other items skipped), or null when there is no array.</summary>
    public static IReadOnlyList<int>? Ints(JsonElement e, string name) =>
        Property(e, name) is { ValueKind: JsonValueKind.Array } a ? a.EnumerateArray().Select(AsInt).OfType<int>().ToList() : null;

    /// <summary>A number, or a string holding a decimal number; null otherwise.</summary>
    public static int? AsInt(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number when e.TryGetInt32(out var n) => n,
        JsonValueKind.String when int.TryParse(e.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };
}
