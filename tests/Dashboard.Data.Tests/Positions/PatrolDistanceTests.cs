using Dapper;
using Dashboard.Core.Positions;
using Dashboard.Data.Metrics;
using Dashboard.Data.Positions;
using Microsoft.Extensions.Time.Testing;

namespace Dashboard.Data.Tests.Positions;

/// <summary>
/// Patrol distance written with each position batch into officer_patrol_days. Fixes walk due north along one meridian, where the
/// great-circle distance is exactly R × Δlat (radians), so the expected metres do not come from the code under test.
/// </summary>
public abstract class PatrolDistanceTests : DatabaseTests
{
    private const double Lon = 121.6;
    private const double Lat0 = 29.9;
    private static readonly TimeSpan Shanghai = TimeSpan.FromHours(8);
    private static readonly DateOnly June1 = new(2025, 6, 1);
    private static readonly DateOnly June2 = new(2025, 6, 2);

    /// <summary>Metres due north for <paramref name="degrees"/> of latitude on the mean earth sphere.</summary>
    private static double North(double degrees) => 6_371_008.8 * degrees * Math.PI / 180;

    private static DateTimeOffset Local(int day, int hour, int minute) => new(2025, 6, day, hour, minute, 0, Shanghai);

    private static PositionFix At(int officer, DateTimeOffset at, double northDegrees) => new(officer, Lat0 + northDegrees, Lon, at);

    private async Task<(TestDatabase Db, PositionRepository Positions)> CreateAsync()
    {
        var db = await CreateSeededAsync();
        return (db, new PositionRepository(db.Factory, new FakeTimeProvider(Local(2, 12, 0))));
    }

    private static async Task<List<(int Officer, DateOnly Day, double Meters, int Fixes)>> PatrolAsync(TestDatabase db)
    {
        await using var connection = await db.Factory.OpenAsync(Ct);
        var rows = await connection.QueryAsync<PatrolRow>(new CommandDefinition(
            "SELECT officer_id AS OfficerId, day AS Day, distance_m AS Meters, fixes AS Fixes FROM officer_patrol_days ORDER BY officer_id, day", cancellationToken: Ct));
        return rows.Select(r => (r.OfficerId, PatrolDays.ReadDay(r.Day), r.Meters, r.Fixes)).ToList();
    }

    private static void AssertPatrol(List<(int Officer, DateOnly Day, double Meters, int Fixes)> expected, List<(int Officer, DateOnly Day, double Meters, int Fixes)> actual)
    {
        Assert.Equal(expected.Select(e => (e.Officer, e.Day, e.Fixes)), actual.Select(a => (a.Officer, a.Day, a.Fixes)));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Meters, actual[i].Meters, 6);
        }
    }

    [Fact]
    public async Task A_walk_across_local_midnight_adds_each_segment_to_the_day_of_its_new_fix()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;

        // 23:58 (the officer's first fix: no distance), 23:59, then 00:01 and 00:02 of the next local day (16:01 UTC).
        await positions.WriteBatchAsync([At(1, Local(1, 23, 58), 0), At(1, Local(1, 23, 59), 0.001)], Ct);
        await positions.WriteBatchAsync([At(1, Local(2, 0, 1), 0.003), At(2, Local(2, 0, 1), 0), At(1, Local(2, 0, 2), 0.004)], Ct);

        AssertPatrol(
            [(1, June1, North(0.001), 2), (1, June2, North(0.002) + North(0.001), 2), (2, June2, 0, 1)],
            await PatrolAsync(db));
    }

    [Fact]
    public async Task Batches_written_without_patrol_hold_it_in_memory_until_a_batch_writes_it_summed()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;

        await positions.WriteBatchAsync([At(1, Local(1, 23, 58), 0), At(1, Local(1, 23, 59), 0.001)], writePatrol: false, Ct);
        await positions.WriteBatchAsync([At(1, Local(2, 0, 1), 0.003), At(2, Local(2, 0, 1), 0)], writePatrol: false, Ct);
        Assert.Empty(await PatrolAsync(db));
        Assert.Equal(3, positions.PendingPatrolDays);

        // A failed batch (unknown officer) leaves what is pending as it was.
        await Assert.ThrowsAnyAsync<System.Data.Common.DbException>(() => positions.WriteBatchAsync([At(999, Local(2, 0, 3), 0)], writePatrol: true, Ct));
        Assert.Equal(3, positions.PendingPatrolDays);

        await positions.WriteBatchAsync([At(1, Local(2, 0, 2), 0.004)], writePatrol: true, Ct);
        Assert.Equal(0, positions.PendingPatrolDays);
        AssertPatrol(
            [(1, June1, North(0.001), 2), (1, June2, North(0.002) + North(0.001), 2), (2, June2, 0, 1)],
            await PatrolAsync(db));
    }

    [Fact]
    public async Task Late_out_of_order_and_same_instant_fixes_add_nothing()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;
        await positions.WriteBatchAsync([At(1, Local(1, 10, 0), 0), At(1, Local(1, 10, 5), 0.01)], Ct);
        var before = await PatrolAsync(db);

        // Late (before the stored latest) and same-instant fixes, far away.
        await positions.WriteBatchAsync([At(1, Local(1, 10, 1), 0.2), At(1, Local(1, 10, 5), 0.3)], Ct);

        AssertPatrol(before, await PatrolAsync(db));
        AssertPatrol([(1, June1, North(0.01), 2)], before);

        // In one batch, out of order: 10:10 counts from 10:05, then 10:07 is late, then 10:12 counts from 10:10.
        await positions.WriteBatchAsync([At(1, Local(1, 10, 10), 0.02), At(1, Local(1, 10, 7), 0.5), At(1, Local(1, 10, 12), 0.025)], Ct);

        AssertPatrol([(1, June1, North(0.01) + North(0.01) + North(0.005), 4)], await PatrolAsync(db));
        Assert.Equal(7, await positions.CountTrackRowsAsync(Ct)); // every fix is still in the track
    }

    [Fact]
    public async Task A_jump_of_more_than_50_km_counts_as_a_fix_without_distance()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;

        // 0.5° north is about 55.6 km; the walk goes on from the new position.
        await positions.WriteBatchAsync([At(1, Local(1, 9, 0), 0), At(1, Local(1, 9, 1), 0.5)], Ct);
        await positions.WriteBatchAsync([At(1, Local(1, 9, 2), 0.501)], Ct);

        AssertPatrol([(1, June1, North(0.001), 3)], await PatrolAsync(db));
    }

    [Fact]
    public async Task Add_patrol_upserts_increments_into_officer_days()
    {
        await using var db = await CreateSeededAsync();
        var portraits = new PortraitRepository(db.Factory);

        await portraits.AddPatrolAsync([new(1, June1, 1_000.5, 10), new(2, June1, 20, 1)], Ct);
        await portraits.AddPatrolAsync([new(1, June1, 499.5, 5), new(1, June2, 7, 1), new(1, June2, 3, 2)], Ct);
        await portraits.AddPatrolAsync([], Ct);

        AssertPatrol([(1, June1, 1_500, 15), (1, June2, 10, 3), (2, June1, 20, 1)], await PatrolAsync(db));
        await Assert.ThrowsAsync<ArgumentException>(() => portraits.AddPatrolAsync([new(1, June1, -1, 1)], Ct));
    }

    private sealed class PatrolRow
    {
        public int OfficerId { get; set; }
        public object Day { get; set; } = "";
        public double Meters { get; set; }
        public int Fixes { get; set; }
    }
}

public sealed class SqlitePatrolDistanceTests : PatrolDistanceTests
{
    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());
}

// In this file rather than SqlServer/SqlServerLiveTests.cs; skipped without DASHBOARD_SQLSERVER_TEST like the others.
public sealed class SqlServerPatrolDistanceTests : PatrolDistanceTests
{
    protected override async Task<TestDatabase> CreateEmptyAsync() => await SqlServerTestDatabase.CreateAsync();
}
