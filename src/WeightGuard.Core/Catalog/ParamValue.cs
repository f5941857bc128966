using System.Globalization;

namespace WeightGuard.Core.Catalog;

/// <summary>The type a check parameter takes.</summary>
public enum ParamType
{
    /// <summary>A whole number.</summary>
    Integer,
    /// <summary><c>true</c> or <c>false</c>.</summary>
    Boolean,
    /// <summary>One string.</summary>
    String,
    /// <summary>A list of strings.</summary>
    StringList,
}

/// <summary>A parameter value as written in YAML: a scalar or a list of scalars. Typed access checks the type.</summary>
public sealed class ParamValue : IEquatable<ParamValue>
{
    private ParamValue(string? scalar, IReadOnlyList<string>? list) { Scalar = scalar; List = list; }

    /// <summary>The scalar text, or null for a list.</summary>
    public string? Scalar { get; }

    /// <summary>The list items, or null for a scalar.</summary>
    public IReadOnlyList<string>? List { get; }

    /// <summary>Makes a scalar value.</summary>
    public static ParamValue Of(string scalar) => new(scalar, null);

    /// <summary>Makes a list value.</summary>
    public static ParamValue Of(IEnumerable<string> items) => new(null, items.ToArray());

    /// <summary>Whether this value can be read as <paramref name="type"/>.</summary>
    public bool Fits(ParamType type) => type switch
    {
        ParamType.Integer => Scalar is not null && long.TryParse(Scalar, NumberStyles.Integer, CultureInfo.InvariantCulture, out _),
        ParamType.Boolean => Scalar is "true" or "false",
        ParamType.String => Scalar is not null,
        ParamType.StringList => List is not null,
        _ => false,
    };

    /// <summary>The value as an integer.</summary>
    public long AsInteger() => long.Parse(Scalar ?? throw Mismatch("an integer"), CultureInfo.InvariantCulture);

    /// <summary>The value as a boolean.</summary>
    public bool AsBoolean() => Scalar switch { "true" => true, "false" => false, _ => throw Mismatch("true or false") };

    /// <summary>The value as a string.</summary>
    public string AsString() => Scalar ?? throw Mismatch("a string");

    /// <summary>The value as a list of strings.</summary>
    public IReadOnlyList<string> AsList() => List ?? throw Mismatch("a list");

    private InvalidOperationException Mismatch(string wanted) => new($"parameter value {this} is not {wanted}");

    /// <inheritdoc />
    public override string ToString() => Scalar ?? "[" + string.Join(", ", List!) + "]";

    /// <inheritdoc />
    public bool Equals(ParamValue? other) => other is not null && Scalar == other.Scalar &&
        (List is null ? other.List is null : other.List is not null && List.SequenceEqual(other.List));

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as ParamValue);

    /// <inheritdoc />
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
