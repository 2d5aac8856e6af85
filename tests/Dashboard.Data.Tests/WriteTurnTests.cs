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
        using var other = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
            "flock", [DbConnectionFactory.WriterLockPath(database), "-c", "echo locked; read line"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        })!;
        Assert.Equal("locked", await other.StandardOutput.ReadLineAsync(Ct));

        var turn = new DbConnectionFactory(new DatabaseOptions { ConnectionString = $"Data Source={database}" }).WriteTurnAsync(Ct).AsTask();
        await Task.Delay(200, Ct);
        Assert.False(turn.IsCompleted);

        var released = System.Diagnostics.Stopwatch.StartNew();
        await other.StandardInput.WriteLineAsync("go");
        await other.StandardInput.FlushAsync(Ct);
        await other.WaitForExitAsync(Ct);
        await using var mine = await turn.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.True(released.Elapsed < TimeSpan.FromSeconds(1), $"the turn came {released.ElapsedMilliseconds} ms after the other process let go");

        // While this process holds it, the other process cannot take it.
        using var probe = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(
            "flock", ["--nonblock", DbConnectionFactory.WriterLockPath(database), "true"]) { UseShellExecute = false })!;
        await probe.WaitForExitAsync(Ct);
        Assert.NotEqual(0, probe.ExitCode);
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
