namespace WeightGuard.Core.Catalog;

/// <summary>One problem in the catalogue, reported as <c>file:line: message</c>.</summary>
/// <param name="Location">Where the problem is.</param>
/// <param name="Message">What is wrong.</param>
public sealed record CatalogError(SourceLocation Location, string Message)
{
    /// <inheritdoc />
    public override string ToString() => $"{Location}: {Message}";
}

/// <summary>A catalogue file's name and text (a file on disk or an embedded resource).</summary>
/// <param name="Name">Shown in errors; for controls and profiles the file name must be the id plus <c>.yaml</c>.</param>
/// <param name="Text">The YAML.</param>
public sealed record CatalogSource(string Name, string Text);
