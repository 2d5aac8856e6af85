using System.Collections.Concurrent;
using System.Data.Common;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data;

/// <summary>Opens ready-to-use connections for the configured provider.</summary>
public sealed class DbConnectionFactory
{
    internal const string WalSqliteSql = "PRAGMA journal_mode=WAL;";
    internal const string SessionSqliteSql = "PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";

    // journal_mode=WAL is persistent in the file, so it is set once per file and process, not on every open.
    private static readonly ConcurrentDictionary<string, bool> WalFiles = new(StringComparer.Ordinal);

    // One writer at a time per SQLite file, queued in arrival order. SQLite's own busy handling retries with sleeps, so a
    // writer committing back to back (the position writer at thousands of fixes a second) could keep a report waiting for
    // seconds; with this gate the report waits at most for the batch in progress.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WriteGates = new(StringComparer.Ordinal);

    // Across processes (several nodes on one file) SQLite's busy handler backs off up to 100 ms per retry, which a node
    // writing back to back outruns: the other node's report then waits for one of those long sleeps, or several. A lock
    // file polled every millisecond hands the file over as soon as it is free.
    private static readonly TimeSpan FileLockPoll = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan FileLockPatience = TimeSpan.FromSeconds(30);

    private readonly string _connectionString;
    private readonly string? _sqliteFile;

    public DbConnectionFactory(DatabaseOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.ConnectionString))
        {
            throw new ArgumentException("Database:ConnectionString is required.", nameof(options));
        }

        Provider = options.Provider;
        Dialect = SqlDialect.For(options.Provider);
        _connectionString = options.ConnectionString;
        if (Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(options.ConnectionString);
            var isFile = builder.Mode != SqliteOpenMode.Memory
                && !string.IsNullOrEmpty(builder.DataSource)
                && !string.Equals(builder.DataSource, ":memory:", StringComparison.Ordinal);
            _sqliteFile = isFile ? Path.GetFullPath(builder.DataSource) : null;
        }

        DapperSetup.Register(Provider);
    }

    public DatabaseProvider Provider { get; }

    /// <summary>
    /// Waits for this process's turn to write a SQLite file (FIFO), then for the file's lock among processes, and holds both
    /// until disposed; nothing to wait for on SQL Server, which queues writers itself. Take it right before a write transaction
    /// begins and never while holding it already.
    /// </summary>
    public async ValueTask<IAsyncDisposable> WriteTurnAsync(CancellationToken ct = default)
    {
        if (_sqliteFile is null)
        {
            return NoTurn.Instance;
        }

        var gate = WriteGates.GetOrAdd(_sqliteFile, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            return new Turn(gate, await LockFileAsync(WriterLockPath(_sqliteFile), ct));
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    /// <summary>The file whose exclusive lock every writing process of <paramref name="sqliteFile"/> holds while it writes.</summary>
    public static string WriterLockPath(string sqliteFile) => sqliteFile + "-writer.lock";

    /// <summary>An exclusive lock (flock) on <paramref name="path"/>, released by disposing the stream or by the process ending.</summary>
    private static async Task<FileStream> LockFileAsync(string path, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException ex) when (ex is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException)
                                         && waited.Elapsed < FileLockPatience)
            {
                // Another process writes this file now.
                await Task.Delay(FileLockPoll, ct);
            }
        }
    }

    private sealed class Turn(SemaphoreSlim gate, FileStream fileLock) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await fileLock.DisposeAsync();
                gate.Release();
            }
        }
    }

    private sealed class NoTurn : IAsyncDisposable
    {
        public static readonly NoTurn Instance = new();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }

    internal SqlDialect Dialect { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken ct = default)
    {
        if (Provider == DatabaseProvider.SqlServer)
        {
            var sql = new SqlConnection(_connectionString);
            try
            {
                await sql.OpenAsync(ct);
                return sql;
            }
            catch
            {
                await sql.DisposeAsync();
                throw;
            }
        }

        if (_sqliteFile is not null)
        {
            var directory = Path.GetDirectoryName(_sqliteFile);
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }
        }

        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (_sqliteFile is not null && !WalFiles.ContainsKey(_sqliteFile))
            {
                await ExecuteAsync(connection, WalSqliteSql, ct);
                WalFiles.TryAdd(_sqliteFile, true);
            }

            await ExecuteAsync(connection, SessionSqliteSql, ct);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}
