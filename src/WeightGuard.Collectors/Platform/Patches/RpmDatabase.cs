using Microsoft.Data.Sqlite;

namespace WeightGuard.Collectors.Platform.Patches;

/// <summary>
/// Reads the installed packages from an RPM database in its SQLite form (<c>rpmdb.sqlite</c>, rpm ≥ 4.16: RHEL/Rocky 9,
/// Fedora ≥ 33), opened read-only; rpm itself is never run. Each row of <c>Packages</c> holds one header blob.
/// </summary>
public static class RpmDatabase
{
    /// <summary>Most packages read.</summary>
    public const int MaxPackages = 200_000;

    /// <summary>The installed packages.</summary>
    /// <param name="localPath">The database file on this machine.</param>
    /// <param name="name">Its host path, for messages.</param>
    /// <exception cref="InvalidDataException">Not an rpm SQLite database, a malformed header, or over the limits (names the file and package).</exception>
    public static IReadOnlyList<RpmPackage> ReadInstalled(string localPath, string name)
    {
        var builder = new SqliteConnectionStringBuilder { DataSource = localPath, Mode = SqliteOpenMode.ReadOnly, Pooling = false };
        var packages = new List<RpmPackage>();
        try
        {
            using var connection = new SqliteConnection(builder.ConnectionString);
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT hnum, blob FROM Packages ORDER BY hnum";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                if (packages.Count == MaxPackages) throw new InvalidDataException($"{name}: more than {MaxPackages} packages");
                var hnum = reader.GetInt64(0);
                var length = reader.GetBytes(1, 0, null, 0, 0);
                if (length > RpmHeader.MaxBytes) throw new InvalidDataException($"{name}: package {hnum}: header of {length} bytes is over the {RpmHeader.MaxBytes}-byte limit");
                var blob = new byte[length];
                reader.GetBytes(1, 0, blob, 0, blob.Length);
                packages.Add(RpmHeader.Parse(blob, $"{name}: package {hnum}"));
            }
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"{name}: {e.Message}", e);
        }
        return packages;
    }
}
