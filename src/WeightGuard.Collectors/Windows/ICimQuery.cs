using System.Globalization;

namespace WeightGuard.Collectors.Windows;

/// <summary>One CIM instance as a query returned it: its class and its properties' values.</summary>
/// <param name="ClassName">The instance's class, e.g. <c>Win32_UserAccount</c>.</param>
/// <param name="Properties">Property values by name (numbers as MI gives them: byte, ushort, uint…; arrays as arrays).</param>
public sealed record CimRow(string ClassName, IReadOnlyDictionary<string, object?> Properties)
{
    /// <summary>A string property, or null.</summary>
    public string? Text(string name) => Properties.GetValueOrDefault(name) as string;

    /// <summary>An integer property of any width, or null.</summary>
    public long? Integer(string name) => Properties.GetValueOrDefault(name) is IConvertible c and not string and not bool
        ? c.ToInt64(CultureInfo.InvariantCulture) : null;

    /// <summary>A boolean property, or null.</summary>
    public bool? Boolean(string name) => Properties.GetValueOrDefault(name) as bool?;

    /// <summary>An integer-array property (empty when absent).</summary>
    public IReadOnlyList<long> Integers(string name) => Properties.GetValueOrDefault(name) is Array a
        ? a.OfType<IConvertible>().Select(c => c.ToInt64(CultureInfo.InvariantCulture)).ToList() : [];
}

/// <summary>Why a CIM query gave nothing.</summary>
public enum CimFailure
{
    /// <summary>The namespace or class does not exist on this Windows (an older build, a missing feature).</summary>
    NotFound,
    /// <summary>The process is not elevated enough.</summary>
    AccessDenied,
    /// <summary>Any other CIM error.</summary>
    Failed,
}

/// <summary>A CIM query failed.</summary>
/// <param name="failure">The kind of failure.</param>
/// <param name="message">What CIM said.</param>
public sealed class CimQueryException(CimFailure failure, string message) : Exception(message)
{
    /// <summary>The kind of failure.</summary>
    public CimFailure Failure { get; } = failure;

    /// <summary>The message with what to do about it, for evidence.</summary>
    public string Reason(string what) => Failure switch
    {
        CimFailure.AccessDenied => $"{what}: access denied (run WeightGuard elevated)",
        CimFailure.NotFound => $"{what}: not available on this Windows ({Message})",
        _ => $"{what}: {Message}",
    };
}

/// <summary>WQL queries against the local CIM repository; tests replace it.</summary>
public interface ICimQuery
{
    /// <summary>Instances matching <paramref name="wql"/> in <paramref name="cimNamespace"/>.</summary>
    /// <exception cref="CimQueryException">The namespace or class is missing, access was denied, or CIM failed.</exception>
    IReadOnlyList<CimRow> Query(string cimNamespace, string wql);
}
