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
        var order = new List<int>();
        var waiters = Enumerable.Range(1, 3).Select(async i =>
        {
            await Task.Delay(20 * i, Ct);
            await using var turn = await Sqlite().WriteTurnAsync(Ct);
            lock (order)
            {
                order.Add(i);
            }
        }).ToList();

        await Task.Delay(150, Ct);
        Assert.Empty(order);
        await first.DisposeAsync();
        await first.DisposeAsync(); // releasing twice is harmless
        await Task.WhenAll(waiters);
        Assert.Equal([1, 2, 3], order);
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
