using Npgsql;
using WeightGuard.Testing;

namespace WeightGuard.Aggregator.Tests;

/// <summary>
/// PostgreSQL for the store tests: the server named by <c>WEIGHTGUARD_TEST_POSTGRES</c> (a connection string) when set,
/// else a throwaway cluster made with the installed <c>initdb</c> and <c>pg_ctl</c> in a temporary directory (run as
/// the <c>postgres</c> user when the tests run as root, since PostgreSQL refuses root). Each caller gets a fresh database.
/// </summary>
internal sealed class PostgresServer : IDisposable
{
    private static readonly Lock Gate = new();
    private static PostgresServer? _shared;

    private readonly string? _clusterDirectory;
    private readonly string? _pgCtl;

    private PostgresServer(string adminConnectionString, string? clusterDirectory = null, string? pgCtl = null)
    {
        AdminConnectionString = adminConnectionString;
        _clusterDirectory = clusterDirectory;
        _pgCtl = pgCtl;
    }

    /// <summary>A connection string to a database where new databases may be created.</summary>
    public string AdminConnectionString { get; }

    /// <summary>The run's server (skips or fails the test when PostgreSQL is not installed).</summary>
    public static PostgresServer Shared
    {
        get
        {
            lock (Gate) return _shared ??= Start();
        }
    }

    public static void StopShared()
    {
        lock (Gate) { _shared?.Dispose(); _shared = null; }
    }

    /// <summary>A new, empty database; returns its connection string.</summary>
    public string CreateDatabase()
    {
        var name = "wg_" + Guid.NewGuid().ToString("N");
        using (var db = new NpgsqlConnection(AdminConnectionString))
        {
            db.Open();
            using var cmd = db.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }
        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name, Pooling = true }.ToString();
    }

    private static PostgresServer Start()
    {
        if (Environment.GetEnvironmentVariable("WEIGHTGUARD_TEST_POSTGRES") is { Length: > 0 } given) return new PostgresServer(given);

        var bin = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin")).Where(d => File.Exists(Path.Combine(d, "initdb"))).Order().LastOrDefault()
            : null;
        if (bin is null) ExternalTool.Require("initdb"); // skips on a developer machine, fails in CI
        var initdb = bin is null ? ExternalTool.Find("initdb")! : Path.Combine(bin, "initdb");
        var pgCtl = bin is null ? ExternalTool.Require("pg_ctl") : Path.Combine(bin, "pg_ctl");

        var root = Directory.CreateTempSubdirectory("weightguard-postgres-").FullName;
        var data = Path.Combine(root, "data");
        var asRoot = Environment.UserName == "root";
        if (asRoot)
        {
            ExternalTool.Require("runuser");
            Chown(root);
        }
        var port = FreePort();
        Run(asRoot, initdb, "-D", data, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8");
        Run(asRoot, pgCtl, "-D", data, "-w", "-l", Path.Combine(root, "log"), "-o",
            $"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200", "start");
        return new PostgresServer($"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=false", data, pgCtl);
    }

    private static void Chown(string path)
    {
        var result = ExternalTool.Run("chown", ["postgres:postgres", path]);
        if (result.ExitCode != 0) Assert.Fail($"chown postgres {path}: {result.Stderr} (is the postgresql package installed?)");
    }

    private static void Run(bool asRoot, string tool, params string[] args)
    {
        var result = asRoot ? ExternalTool.Run("runuser", ["-u", "postgres", "--", tool, .. args]) : ExternalTool.Run(tool, args);
        if (result.ExitCode != 0) throw new InvalidOperationException($"{Path.GetFileName(tool)} failed: {result.Stderr}{result.Stdout}");
    }

    private static int FreePort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public void Dispose()
    {
        NpgsqlConnection.ClearAllPools();
        if (_clusterDirectory is null || _pgCtl is null) return;
        var asRoot = Environment.UserName == "root";
        string[] stop = ["-D", _clusterDirectory, "-m", "immediate", "-w", "stop"];
        if (asRoot) ExternalTool.Run("runuser", ["-u", "postgres", "--", _pgCtl, .. stop]);
        else ExternalTool.Run(_pgCtl, stop);
        try { Directory.Delete(Path.GetDirectoryName(_clusterDirectory)!, recursive: true); }
        catch (IOException) { }
    }
}
