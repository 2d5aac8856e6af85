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
