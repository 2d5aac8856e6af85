using Dashboard.Data;

namespace Dashboard.Data.Tests;

public sealed class WriteTurnTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "dashboard-tests", Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private DbConnectionFactory Sqlite(string file = "a.db") =>
        new(new DatabaseOptions { ConnectionString = $"Data Source={Path.Combine(_folder, file)}" });

    [Fact]
    public async Task Writers_of_one_sqlite_file_take_turns_in_arrival_order_across_factories()
    {
        var first = await Sqlite().WriteTurnAsync(Ct);
        // Each call queues its writer before it returns, so the order of the calls is the order of arrival.
        var second = Sqlite().WriteTurnAsync(Ct).AsTask();
        var third = Sqlite().WriteTurnAsync(Ct).AsTask();
        await Task.Delay(100, Ct);
        Assert.False(second.IsCompleted);
        Assert.False(third.IsCompleted);

        await first.DisposeAsync();
        await first.DisposeAsync(); // releasing twice is harmless
        var secondTurn = await second.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Task.Delay(100, Ct);
        Assert.False(third.IsCompleted);

        await secondTurn.DisposeAsync();
        await using var thirdTurn = await third.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Fact]
    public async Task Another_file_and_sql_server_never_wait()
    {
        await using var held = await Sqlite("a.db").WriteTurnAsync(Ct);
        await using var other = await Sqlite("b.db").WriteTurnAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
        var sqlServer = new DbConnectionFactory(new DatabaseOptions { Provider = DatabaseProvider.SqlServer, ConnectionString = "Server=127.0.0.1;Database=x" });
        await using var a = await sqlServer.WriteTurnAsync(Ct);
        await using var b = await sqlServer.WriteTurnAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task A_writer_waits_while_another_process_holds_the_files_writer_lock_and_goes_as_soon_as_it_is_released()
    {
        var database = Path.Combine(_folder, "shared.db");
        Directory.CreateDirectory(_folder);
        // A real second process holding the lock, as another app node would (util-linux flock takes the same flock(2) lock).
        using var other = Hold("--exclusive", DbConnectionFactory.WriterLockPath(database));
        Assert.Equal("locked", await other.StandardOutput.ReadLineAsync(Ct));

        var turn = new DbConnectionFactory(new DatabaseOptions { ConnectionString = $"Data Source={database}" }).WriteTurnAsync(Ct).AsTask();
        await Task.Delay(200, Ct);
        Assert.False(turn.IsCompleted);

        var released = System.Diagnostics.Stopwatch.StartNew();
        await ReleaseAsync(other);
        await using var mine = await turn.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(released.Elapsed < TimeSpan.FromSeconds(1), $"the turn came {released.ElapsedMilliseconds} ms after the other process let go");

        // While this process holds it, the other process cannot take it.
        Assert.NotEqual(0, await ExclusiveProbeAsync(DbConnectionFactory.WriterLockPath(database)));
    }

    [Fact]
    public async Task A_waiting_writer_goes_before_waiting_bulk_writers_and_the_bulk_writer_holding_the_file_sees_it()
    {
        await using var bulk = await Sqlite().BulkWriteTurnAsync(Ct);
        Assert.False(bulk.OthersWaiting);
        var otherBulk = Sqlite().BulkWriteTurnAsync(Ct).AsTask();
        await Task.Delay(50, Ct);
        Assert.False(bulk.OthersWaiting); // another bulk writer waits its turn at the end of this one's work
        var report = Sqlite().WriteTurnAsync(Ct).AsTask();
        await Task.Delay(50, Ct);
        Assert.True(bulk.OthersWaiting);

        // Stepping aside lets the report go first, then the bulk writer that waited; this one comes back after them.
        var back = bulk.YieldAsync(Ct).AsTask();
        var reportTurn = await report.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Task.Delay(50, Ct);
        Assert.False(otherBulk.IsCompleted);
        await reportTurn.DisposeAsync();
        var otherTurn = await otherBulk.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Task.Delay(50, Ct);
        Assert.False(back.IsCompleted);
        await otherTurn.DisposeAsync();
        await back.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(1, bulk.Yields);
        Assert.False(bulk.OthersWaiting);
    }

    [Fact]
    public async Task A_cancelled_wait_leaves_the_queue_and_the_file_free_for_the_next()
    {
        var bulk = await Sqlite().BulkWriteTurnAsync(Ct);
        using var cancel = new CancellationTokenSource();
        var cancelled = Sqlite().WriteTurnAsync(cancel.Token).AsTask();
        await Task.Delay(50, Ct);
        Assert.True(bulk.OthersWaiting);

        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(bulk.OthersWaiting);
        await bulk.DisposeAsync();
        await using var next = await Sqlite().WriteTurnAsync(Ct).AsTask().WaitAsync(TimeSpan.FromSeconds(5), Ct);
    }

    [Fact]
    public async Task Writers_of_two_processes_tell_each_other_they_wait_through_the_waiting_file()
    {
        var database = Path.Combine(_folder, "shared.db");
        Directory.CreateDirectory(_folder);
        var waitingFile = DbConnectionFactory.WaitingLockPath(database);
        var factory = new DbConnectionFactory(new DatabaseOptions { ConnectionString = $"Data Source={database}" });

        // Another node's report waiting for the file holds a shared lock on the waiting file (util-linux flock: the same flock(2)).
        await using (var bulk = await factory.BulkWriteTurnAsync(Ct))
        {
            Assert.False(bulk.OthersWaiting);
            using var waiting = Hold("--shared", waitingFile);
            Assert.Equal("locked", await waiting.StandardOutput.ReadLineAsync(Ct));
            await Task.Delay(5, Ct); // past the once-a-millisecond probe
            Assert.True(bulk.OthersWaiting);
            await ReleaseAsync(waiting);
            await Task.Delay(5, Ct);
            Assert.False(bulk.OthersWaiting);
        }

        // And this process's report, kept waiting by another node writing, says so on the waiting file until it has the file.
        using var writing = Hold("--exclusive", DbConnectionFactory.WriterLockPath(database));
        Assert.Equal("locked", await writing.StandardOutput.ReadLineAsync(Ct));
        var turn = factory.WriteTurnAsync(Ct).AsTask();
        await Task.Delay(200, Ct);
        Assert.False(turn.IsCompleted);
        Assert.NotEqual(0, await ExclusiveProbeAsync(waitingFile));
        await ReleaseAsync(writing);
        await using (await turn.WaitAsync(TimeSpan.FromSeconds(10), Ct))
        {
            Assert.Equal(0, await ExclusiveProbeAsync(waitingFile));
        }

        // A bulk writer waiting for another node never holds this process's gate meanwhile: a report arriving after it still
        // queues for the file itself (and says so), and goes first.
        using var busy = Hold("--exclusive", DbConnectionFactory.WriterLockPath(database));
        Assert.Equal("locked", await busy.StandardOutput.ReadLineAsync(Ct));
        var bulkTurn = factory.BulkWriteTurnAsync(Ct).AsTask();
        await Task.Delay(50, Ct);
        var report = factory.WriteTurnAsync(Ct).AsTask();
        await Task.Delay(200, Ct);
        Assert.NotEqual(0, await ExclusiveProbeAsync(waitingFile));
        await ReleaseAsync(busy);
        var reportTurn = await report.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        await Task.Delay(50, Ct);
        Assert.False(bulkTurn.IsCompleted);
        await reportTurn.DisposeAsync();
        await using var _ = await bulkTurn.WaitAsync(TimeSpan.FromSeconds(10), Ct);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)] // several processes on the file: SQLite checkpoints inside commits, as by default
    public async Task A_bulk_writer_of_the_only_writing_process_copies_the_log_into_the_database_file_before_it_writes(bool singleWriterProcess)
    {
        var factory = new DbConnectionFactory(new DatabaseOptions
        {
            ConnectionString = $"Data Source={Path.Combine(_folder, "log.db")}",
            SingleWriterProcess = singleWriterProcess,
        });
        var file = Path.Combine(_folder, "log.db");
        await (await factory.BulkWriteTurnAsync(Ct)).DisposeAsync();
        // Held open to the end: SQLite checkpoints when its last connection closes, as another test's ClearAllPools can cause.
        // (SQLite opens the file at a connection's first statement.)
        await using var held = await factory.OpenAsync(Ct);
        await Dapper.SqlMapper.ExecuteScalarAsync<long>(held, "SELECT count(*) FROM sqlite_master");
        await using (var connection = await factory.OpenAsync(Ct))
        {
            await using (await factory.WriteTurnAsync(Ct))
            {
                await Dapper.SqlMapper.ExecuteAsync(connection, "CREATE TABLE blobs (b BLOB NOT NULL)");
                await Dapper.SqlMapper.ExecuteAsync(connection, "INSERT INTO blobs (b) VALUES (@B)", Enumerable.Range(0, 64).Select(_ => new { B = new byte[32 * 1024] }));
            }
        }

        // 2 MB sit in the log, under SQLite's own threshold: the database file has not grown.
        var before = new FileInfo(file).Length;
        Assert.True(new FileInfo(file + "-wal").Length > 2_000_000);
        await Task.Delay(DbConnectionFactory.Checkpointer.Every + TimeSpan.FromMilliseconds(50), Ct);
        await (await factory.BulkWriteTurnAsync(Ct)).DisposeAsync();

        Assert.True(singleWriterProcess == new FileInfo(file).Length > before + 2_000_000, $"database file {new FileInfo(file).Length} bytes, {before} before");
    }

    private static System.Diagnostics.Process Hold(string mode, string path) =>
        System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("flock", [mode, path, "-c", "echo locked; read line"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;

    private static async Task ReleaseAsync(System.Diagnostics.Process holder)
    {
        await holder.StandardInput.WriteLineAsync("go");
        await holder.StandardInput.FlushAsync(Ct);
        await holder.WaitForExitAsync(Ct);
    }

    /// <summary>The exit code of trying to lock <paramref name="path"/> exclusively without waiting: 0 when nobody holds it.</summary>
    private static async Task<int> ExclusiveProbeAsync(string path)
    {
        using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
            "flock", ["--nonblock", "--exclusive", path, "true"]) { UseShellExecute = false })!;
        await probe.WaitForExitAsync(Ct);
        return probe.ExitCode;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
