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

    // SQLite checkpoints (copies the log back into the file, with an fsync) inside whichever commit takes the log past
    // wal_autocheckpoint pages: at the default of 1,000 that was a position slice every few hundred milliseconds, with a
    // report waiting behind it for tens of milliseconds. A single writing process checkpoints before its bulk writer takes
    // the file (see Checkpointer) and keeps the threshold, raised, as a backstop.
    internal const string SingleWriterSqliteSql = "PRAGMA wal_autocheckpoint=8192;";
    internal const string CheckpointSqliteSql = "PRAGMA wal_checkpoint(PASSIVE);";

    // journal_mode=WAL is persistent in the file, so it is set once per file and process, not on every open (and the tracks
    // file's schema made with it).
    private static readonly ConcurrentDictionary<string, bool> PreparedFiles = new(StringComparer.Ordinal);

    // One writer at a time per SQLite file. SQLite's own busy handling retries with sleeps, so a writer committing back to back
    // (the position writer at thousands of fixes a second) could keep a report waiting for seconds; with this gate a report
    // waits at most for the slice of a bulk write in progress (see BulkWriteTurn).
    private static readonly ConcurrentDictionary<string, WriteGate> WriteGates = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Checkpointer> Checkpointers = new(StringComparer.Ordinal);

    // Across processes (several nodes on one file) SQLite's busy handler backs off up to 100 ms per retry, which a node
    // writing back to back outruns: the other node's report then waits for one of those long sleeps, or several. A lock
    // file polled every millisecond hands the file over as soon as it is free.
    internal static readonly TimeSpan FileLockPoll = TimeSpan.FromMilliseconds(1);
    internal static readonly TimeSpan FileLockPatience = TimeSpan.FromSeconds(30);

    // Officer tracks get a SQLite file of their own (see OpenTracksAsync).
    internal const string TracksSessionSqliteSql = "PRAGMA busy_timeout=5000; PRAGMA synchronous=NORMAL;";

    private readonly string _connectionString;
    private readonly string? _sqliteFile;
    private readonly string? _tracksConnectionString;
    private readonly bool _checkpointAside;
    private readonly string _sessionSql = SessionSqliteSql;

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
            _checkpointAside = isFile && options.SingleWriterProcess;
            if (_sqliteFile is not null)
            {
                TracksFile = TracksFileOf(_sqliteFile);
                _tracksConnectionString = new SqliteConnectionStringBuilder(options.ConnectionString) { DataSource = TracksFile }.ToString();
            }

            if (_checkpointAside)
            {
                _sessionSql = SessionSqliteSql + " " + SingleWriterSqliteSql;
            }
        }

        DapperSetup.Register(Provider);
    }

    public DatabaseProvider Provider { get; }

    /// <summary>The SQLite file this factory opens, or null (SQL Server, or a SQLite database in memory).</summary>
    public string? SqliteFile => _sqliteFile;

    /// <summary>The SQLite file that holds the officer tracks of <see cref="SqliteFile"/>, or null when they share the main database.</summary>
    public string? TracksFile { get; }

    /// <summary>Where the tracks of <paramref name="sqliteFile"/> live: <c>dashboard.db</c> → <c>dashboard.tracks.db</c>, same folder.</summary>
    public static string TracksFileOf(string sqliteFile) =>
        Path.Combine(Path.GetDirectoryName(sqliteFile) ?? "", Path.GetFileNameWithoutExtension(sqliteFile) + ".tracks" + Path.GetExtension(sqliteFile));

    /// <summary>
    /// Waits for this process's turn to write a SQLite file, then for the file's lock among processes, and holds both until
    /// disposed; nothing to wait for on SQL Server, which queues writers itself. Waiting writers of this kind go before waiting
    /// bulk writers, and a bulk writer holding the file steps aside for them between slices (<see cref="BulkWriteTurnAsync"/>).
    /// Take it right before a short write transaction begins and never while holding a turn already.
    /// </summary>
    public async ValueTask<IAsyncDisposable> WriteTurnAsync(CancellationToken ct = default)
    {
        if (_sqliteFile is null)
        {
            return NoTurn.Instance;
        }

        // The lock files live next to the database, which may not have been opened yet.
        Directory.CreateDirectory(Path.GetDirectoryName(_sqliteFile)!);
        var gate = WriteGates.GetOrAdd(_sqliteFile, _ => new WriteGate());
        await gate.EnterAsync(urgent: true, ct);
        try
        {
            return new Turn(gate, await LockFileAsync(_sqliteFile, ct));
        }
        catch
        {
            gate.Exit();
            throw;
        }
    }

    /// <summary>
    /// A turn for a long write done in slices (the position writer): it waits behind other writers' turns, and between slices
    /// <see cref="BulkWriteTurn.OthersWaiting"/> says whether a writer of <see cref="WriteTurnAsync"/>, in this process or
    /// another one on the same file, is waiting; the bulk writer then commits and calls <see cref="BulkWriteTurn.YieldAsync"/>.
    /// </summary>
    public async ValueTask<BulkWriteTurn> BulkWriteTurnAsync(CancellationToken ct = default)
    {
        if (_sqliteFile is null)
        {
            return new BulkWriteTurn(null, null);
        }

        if (_checkpointAside)
        {
            await Checkpointers.GetOrAdd(_sqliteFile, _ => new Checkpointer(_connectionString)).RunIfDueAsync(ct);
        }

        return await EnterBulkTurnAsync(_sqliteFile, ct);
    }

    /// <summary>
    /// The turn to write the tracks file (<see cref="OpenTracksAsync"/>): one writer at a time, in this process and among
    /// processes on the same file. Nobody else writes that file, so nobody waits there but other writers of tracks.
    /// </summary>
    public async ValueTask<BulkWriteTurn> TracksWriteTurnAsync(CancellationToken ct = default) =>
        TracksFile is null ? new BulkWriteTurn(null, null) : await EnterBulkTurnAsync(TracksFile, ct);

    private static async ValueTask<BulkWriteTurn> EnterBulkTurnAsync(string file, CancellationToken ct)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var turn = new BulkWriteTurn(WriteGates.GetOrAdd(file, _ => new WriteGate()), file);
        try
        {
            await turn.EnterAsync(ct);
            return turn;
        }
        catch
        {
            await turn.DisposeAsync();
            throw;
        }
    }

    /// <summary>The file whose exclusive lock every writing process of <paramref name="sqliteFile"/> holds while it writes.</summary>
    public static string WriterLockPath(string sqliteFile) => sqliteFile + "-writer.lock";

    /// <summary>
    /// The file on which writers of <see cref="WriteTurnAsync"/> in other processes hold a shared lock while they wait for
    /// <see cref="WriterLockPath"/>: a bulk writer that cannot lock it exclusively knows someone is waiting.
    /// </summary>
    public static string WaitingLockPath(string sqliteFile) => sqliteFile + "-writer.waiting";

    /// <summary>
    /// An exclusive lock (flock) on the writer lock file, released by disposing the stream or by the process ending. While it
    /// waits for another process to let go, it says so on the waiting file, so that process's bulk writer steps aside.
    /// </summary>
    private static async Task<FileStream> LockFileAsync(string sqliteFile, CancellationToken ct)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        FileStream? waiting = null;
        try
        {
            while (true)
            {
                if (TryLockFile(sqliteFile, deferToWaiting: false) is { } fileLock)
                {
                    return fileLock;
                }

                if (waited.Elapsed >= FileLockPatience)
                {
                    // Throws what keeps the file from being locked.
                    return LockWriterFile(sqliteFile);
                }

                waiting ??= AnnounceWaiting(sqliteFile);
                await Task.Delay(FileLockPoll, ct);
            }
        }
        finally
        {
            if (waiting is not null)
            {
                await waiting.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// The writer lock file's lock if it is free at once, else null. With <paramref name="deferToWaiting"/> (a bulk writer),
    /// also null while a writer of another process waits for it.
    /// </summary>
    internal static FileStream? TryLockFile(string sqliteFile, bool deferToWaiting)
    {
        if (deferToWaiting && OthersWaitingFor(sqliteFile))
        {
            return null;
        }

        try
        {
            return LockWriterFile(sqliteFile);
        }
        catch (IOException ex) when (IsLockConflict(ex))
        {
            // Another process writes this file now.
            return null;
        }
    }

    /// <summary>The writer lock file's exclusive lock, or the IOException of whoever holds it.</summary>
    internal static FileStream LockWriterFile(string sqliteFile) =>
        new(WriterLockPath(sqliteFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);

    /// <summary>A shared lock on the waiting file, or null when a bulk writer is probing it just now (tried again next poll).</summary>
    private static FileStream? AnnounceWaiting(string sqliteFile)
    {
        try
        {
            return new FileStream(WaitingLockPath(sqliteFile), FileMode.OpenOrCreate, FileAccess.Read, FileShare.ReadWrite, bufferSize: 1);
        }
        catch (IOException ex) when (IsLockConflict(ex))
        {
            return null;
        }
    }

    /// <summary>True while a writer of another process waits for the file (holds a shared lock on the waiting file).</summary>
    internal static bool OthersWaitingFor(string sqliteFile)
    {
        try
        {
            using var probe = new FileStream(WaitingLockPath(sqliteFile), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            return false;
        }
        catch (IOException ex) when (IsLockConflict(ex))
        {
            return true;
        }
    }

    private static bool IsLockConflict(IOException ex) => ex is not (DirectoryNotFoundException or FileNotFoundException or PathTooLongException);

    /// <summary>
    /// The writers of one SQLite file in this process, one at a time. Waiting writers of <see cref="WriteTurnAsync"/> go
    /// before waiting bulk writers; each kind in arrival order.
    /// </summary>
    internal sealed class WriteGate
    {
        private readonly Lock _lock = new();
        private readonly LinkedList<TaskCompletionSource> _urgent = new();
        private readonly LinkedList<TaskCompletionSource> _bulk = new();
        private bool _held;
        private int _urgentWaiting;

        public bool UrgentWaiting => Volatile.Read(ref _urgentWaiting) > 0;

        public async ValueTask EnterAsync(bool urgent, CancellationToken ct)
        {
            LinkedListNode<TaskCompletionSource> node;
            lock (_lock)
            {
                ct.ThrowIfCancellationRequested();
                if (!_held)
                {
                    _held = true;
                    return;
                }

                node = (urgent ? _urgent : _bulk).AddLast(new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
                if (urgent)
                {
                    _urgentWaiting++;
                }
            }

            await using (ct.Register(() => Cancel(node, urgent, ct)))
            {
                await node.Value.Task;
            }
        }

        /// <summary>Hands the gate to the first waiting urgent writer, else the first bulk writer, else frees it.</summary>
        public void Exit()
        {
            TaskCompletionSource next;
            lock (_lock)
            {
                var queue = _urgent.First is not null ? _urgent : _bulk.First is not null ? _bulk : null;
                if (queue is null)
                {
                    _held = false;
                    return;
                }

                next = queue.First!.Value;
                queue.RemoveFirst();
                if (ReferenceEquals(queue, _urgent))
                {
                    _urgentWaiting--;
                }
            }

            next.SetResult();
        }

        private void Cancel(LinkedListNode<TaskCompletionSource> node, bool urgent, CancellationToken ct)
        {
            lock (_lock)
            {
                // Already handed the gate: the waiter owns it now and releases it as usual.
                if (node.List is null)
                {
                    return;
                }

                node.List.Remove(node);
                if (urgent)
                {
                    _urgentWaiting--;
                }
            }

            node.Value.SetCanceled(ct);
        }
    }

    private sealed class Turn(WriteGate gate, FileStream fileLock) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                await fileLock.DisposeAsync();
                gate.Exit();
            }
        }
    }

    /// <summary>
    /// Copies a file's log back into it, before a bulk writer takes its turn, at most every <see cref="Every"/>. PASSIVE waits
    /// for no reader or writer and no writer waits for it; when it copied everything, the bulk writer's next transaction
    /// starts the log over from its beginning, so the log stays a few megabytes under sustained position load.
    /// </summary>
    internal sealed class Checkpointer(string connectionString)
    {
        public static readonly TimeSpan Every = TimeSpan.FromMilliseconds(200);

        // ReadWrite without Create: a file deleted meanwhile (a test's) is not brought back empty.
        private readonly string _connectionString = new SqliteConnectionStringBuilder(connectionString) { Mode = SqliteOpenMode.ReadWrite }.ToString();
        private int _running;
        private long _last = System.Diagnostics.Stopwatch.GetTimestamp();

        public async ValueTask RunIfDueAsync(CancellationToken ct)
        {
            if (System.Diagnostics.Stopwatch.GetElapsedTime(Volatile.Read(ref _last)) < Every || Interlocked.Exchange(ref _running, 1) == 1)
            {
                return;
            }

            try
            {
                await using var connection = new SqliteConnection(_connectionString);
                await connection.OpenAsync(ct);
                await ExecuteAsync(connection, CheckpointSqliteSql, ct);
            }
            catch (Exception ex) when (ex is SqliteException or IOException)
            {
                // The next batch tries again, and SQLite's own threshold remains.
            }
            finally
            {
                Volatile.Write(ref _last, System.Diagnostics.Stopwatch.GetTimestamp());
                Volatile.Write(ref _running, 0);
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

        return await OpenSqliteAsync(_connectionString, _sqliteFile, _sessionSql, WalSqliteSql, ct);
    }

    /// <summary>
    /// A connection to the database of the officer tracks: on a SQLite file, a file of its own next to it
    /// (<see cref="TracksFile"/>), so that appending thousands of fixes a second never holds up a report waiting to write the
    /// main file; otherwise the main database. Write it only within <see cref="TracksWriteTurnAsync"/>.
    /// </summary>
    public async Task<DbConnection> OpenTracksAsync(CancellationToken ct = default)
    {
        return TracksFile is null
            ? await OpenAsync(ct)
            : await OpenSqliteAsync(_tracksConnectionString!, TracksFile, TracksSessionSqliteSql, WalSqliteSql + " " + Positions.TrackFile.SchemaSqliteSql, ct);
    }

    /// <summary>
    /// A SQLite connection with the session's pragmas; on the first open of <paramref name="file"/> in this process it also runs
    /// <paramref name="firstOpenSql"/> (after the session's busy timeout, so several processes preparing the file wait for each other).
    /// </summary>
    private static async Task<DbConnection> OpenSqliteAsync(string connectionString, string? file, string sessionSql, string firstOpenSql, CancellationToken ct)
    {
        if (Path.GetDirectoryName(file) is { Length: > 0 } directory)
        {
            Directory.CreateDirectory(directory);
        }

        var connection = new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            await ExecuteAsync(connection, sessionSql, ct);
            if (file is not null && !PreparedFiles.ContainsKey(file))
            {
                await ExecuteAsync(connection, firstOpenSql, ct);
                PreparedFiles.TryAdd(file, true);
            }

            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    internal static async Task ExecuteAsync(SqliteConnection connection, string sql, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>
/// A bulk writer's turn on a SQLite file (see <see cref="DbConnectionFactory.BulkWriteTurnAsync"/>): between slices of its work
/// it asks <see cref="OthersWaiting"/> and, when true, commits and calls <see cref="YieldAsync"/>. On SQL Server nobody waits
/// here and yielding does nothing.
/// </summary>
public sealed class BulkWriteTurn : IAsyncDisposable
{
    // Probing another process's waiting writer is a file open; once a millisecond is often enough for a slice of a few ms.
    private static readonly long ProbeEvery = System.Diagnostics.Stopwatch.Frequency / 1000;

    private readonly DbConnectionFactory.WriteGate? _gate;
    private readonly string? _sqliteFile;
    private FileStream? _fileLock;
    private bool _inGate;
    private long _probedAt;
    private bool _probed;

    internal BulkWriteTurn(DbConnectionFactory.WriteGate? gate, string? sqliteFile)
    {
        _gate = gate;
        _sqliteFile = sqliteFile;
    }

    /// <summary>Times this turn stepped aside for a waiting writer.</summary>
    public int Yields { get; private set; }

    /// <summary>True when a short writer waits for the file, in this process or (checked at most once a millisecond) another.</summary>
    public bool OthersWaiting
    {
        get
        {
            if (_gate is null || _sqliteFile is null)
            {
                return false;
            }

            if (_gate.UrgentWaiting)
            {
                return true;
            }

            var now = System.Diagnostics.Stopwatch.GetTimestamp();
            if (now - _probedAt < ProbeEvery)
            {
                return _probed;
            }

            _probedAt = now;
            _probed = DbConnectionFactory.OthersWaitingFor(_sqliteFile);
            return _probed;
        }
    }

    /// <summary>Lets the waiting writers write, then takes the file again. Call with no transaction open.</summary>
    public async ValueTask YieldAsync(CancellationToken ct = default)
    {
        if (_gate is null)
        {
            return;
        }

        await ReleaseAsync();
        Yields++;
        _probed = false;
        await EnterAsync(ct);
    }

    internal async ValueTask EnterAsync(CancellationToken ct)
    {
        // Never holds this process's gate while it waits for another process: this process's short writers then queue for
        // the file themselves, and say so on the waiting file. It also lets another process's waiting writer go first.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            await _gate!.EnterAsync(urgent: false, ct);
            _inGate = true;
            if (waited.Elapsed >= DbConnectionFactory.FileLockPatience)
            {
                // Throws what has kept the file locked (the caller releases the gate), as a short writer's turn does.
                _fileLock = DbConnectionFactory.LockWriterFile(_sqliteFile!);
                return;
            }

            _fileLock = DbConnectionFactory.TryLockFile(_sqliteFile!, deferToWaiting: true);
            if (_fileLock is not null)
            {
                return;
            }

            _inGate = false;
            _gate.Exit();
            await Task.Delay(DbConnectionFactory.FileLockPoll, ct);
        }
    }

    public ValueTask DisposeAsync() => ReleaseAsync();

    private async ValueTask ReleaseAsync()
    {
        if (_fileLock is not null)
        {
            await _fileLock.DisposeAsync();
            _fileLock = null;
        }

        if (_inGate)
        {
            _inGate = false;
            _gate!.Exit();
        }
    }
}
