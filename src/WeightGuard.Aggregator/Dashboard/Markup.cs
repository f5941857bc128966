using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Encodings.Web;

namespace WeightGuard.Aggregator.Dashboard;

/// <summary>
/// A fragment of HTML that is safe to emit. The only ways to make one are <see cref="Html"/>, whose interpolation holes
/// are HTML-encoded unless they are themselves <see cref="Markup"/>, and <see cref="Join"/>; so every page escapes all
/// data by construction.
/// </summary>
public readonly struct Markup
{
    internal Markup(string value) => Value = value;

    /// <summary>The HTML text.</summary>
    public string Value { get; }

    /// <summary>Nothing.</summary>
    public static Markup Empty { get; } = new("");

    /// <summary>Builds markup from an interpolated string, encoding every hole that is not markup.</summary>
    public static Markup Html([InterpolatedStringHandlerArgument] ref MarkupBuilder builder) => builder.ToMarkup();

    /// <summary>The fragments one after another.</summary>
    public static Markup Join(IEnumerable<Markup> parts) => new(string.Concat(parts.Select(p => p.Value)));

    /// <summary><paramref name="then"/> when <paramref name="condition"/> holds, else nothing.</summary>
    public static Markup If(bool condition, Markup then) => condition ? then : Empty;

    /// <inheritdoc/>
    public override string ToString() => Value;
}

/// <summary>The interpolated-string handler behind <see cref="Markup.Html"/>.</summary>
[InterpolatedStringHandler]
public ref struct MarkupBuilder
{
    private readonly StringBuilder _text;

    /// <summary>Starts a fragment.</summary>
    public MarkupBuilder(int literalLength, int formattedCount) => _text = new StringBuilder(literalLength + formattedCount * 16);

    /// <summary>Literal HTML written by the programmer.</summary>
    public readonly void AppendLiteral(string literal) => _text.Append(literal);

    /// <summary>Markup, as it is.</summary>
    public readonly void AppendFormatted(Markup markup) => _text.Append(markup.Value);

    /// <summary>Any other value, formatted invariantly and HTML-encoded.</summary>
    public readonly void AppendFormatted<T>(T value) => AppendFormatted(value, null);

    /// <summary>Any other value with a format string, formatted invariantly and HTML-encoded.</summary>
    public readonly void AppendFormatted<T>(T value, string? format)
    {
        var text = value is IFormattable f ? f.ToString(format, CultureInfo.InvariantCulture) : value?.ToString();
        if (text is not null) _text.Append(HtmlEncoder.Default.Encode(text));
    }

    internal readonly Markup ToMarkup() => new(_text.ToString());
}
