namespace WeightGuard.Aggregator.Storage;

/// <summary>Where the data lives, written <c>sqlite:PATH</c> or <c>postgres:CONNECTION-STRING</c>.</summary>
public static class DatabaseLocation
{
    /// <summary>Checks the form of a location; returns the problem, or null when it is usable.</summary>
    public static string? Problem(string location) =>
        location.StartsWith("sqlite:", StringComparison.Ordinal) && location.Length > "sqlite:".Length ? null
        : location.StartsWith("postgres:", StringComparison.Ordinal) && location.Length > "postgres:".Length ? null
        : $"database '{Redact(location)}' is neither sqlite:PATH nor postgres:CONNECTION-STRING";

    /// <summary>Opens the store at <paramref name="location"/> (not yet migrated).</summary>
    /// <exception cref="ArgumentException">The location has neither form.</exception>
    public static SqlStore Open(string location)
    {
        if (Problem(location) is { } problem) throw new ArgumentException(problem, nameof(location));
        return location.StartsWith("sqlite:", StringComparison.Ordinal)
            ? new SqliteStore(Path.GetFullPath(location["sqlite:".Length..]))
            : new PostgresStore(location["postgres:".Length..]);
    }

    /// <summary>The location without a password, for messages.</summary>
    public static string Redact(string location) =>
        System.Text.RegularExpressions.Regex.Replace(location, "(?i)(password|pwd)=[^;]*", "$1=***");
}
