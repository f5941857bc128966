using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace WeightGuard.Aggregator.Storage;

/// <summary>The store in one SQLite file in WAL mode: readers run beside the single writer, which this process queues.</summary>
public sealed class SqliteStore : SqlStore
{
    /// <summary>How often a waiting <see cref="LockAsync"/> tries the lock file again.</summary>
    private static readonly TimeSpan LockRetry = TimeSpan.FromMilliseconds(100);

    private readonly string _path;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writer = new(1, 1);
    private int _walSet;

    /// <summary>A store in the file at <paramref name="path"/> (created when missing).</summary>
    public SqliteStore(string path)
    {
        _path = path;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true, DefaultTimeout = 30,
        }.ToString();
    }

    /// <inheritdoc/>
    protected override int VerdictRowsPerStatement => 1;

    /// <inheritdoc/>
    protected override async Task<DbConnection> OpenAsync(CancellationToken cancel)
    {
        var db = new SqliteConnection(_connectionString);
        await db.OpenAsync(cancel);
        await using var cmd = db.CreateCommand();
        // WAL is a property of the file (set once); synchronous=NORMAL is safe under WAL and per connection.
        cmd.CommandText = Interlocked.Exchange(ref _walSet, 1) == 0
            ? "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;"
            : "PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;";
        await cmd.ExecuteNonQueryAsync(cancel);
        return db;
    }

    /// <inheritdoc/>
    protected override async Task<IDisposable?> EnterWriterAsync(CancellationToken cancel)
    {
        await _writer.WaitAsync(cancel);
        return new Release(_writer);
    }

    /// <summary>
    /// An exclusive lock on <c>DATABASE.NAME.lock</c> (flock, which .NET takes for <see cref="FileShare.None"/>): one
    /// instance serves a SQLite database, but a command-line export may run beside it.
    /// </summary>
    public override async Task<IAsyncDisposable?> LockAsync(string name, bool wait, CancellationToken cancel = default)
    {
        while (true)
        {
            try { return new FileLock(new FileStream($"{_path}.{name}.lock", FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None)); }
            catch (IOException e) when (e is not DirectoryNotFoundException)
            {
                if (!wait) return null;
                await Task.Delay(LockRetry, cancel);
            }
        }
    }

    /// <inheritdoc/>
    public override ValueTask DisposeAsync()
    {
        _writer.Dispose();
        SqliteConnection.ClearAllPools();
        return base.DisposeAsync();
    }

    private sealed class FileLock(FileStream file) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => file.DisposeAsync();
    }

    private sealed class Release(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}
