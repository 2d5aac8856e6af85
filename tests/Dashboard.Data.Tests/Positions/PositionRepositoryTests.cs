using System.Data.Common;
using Dashboard.Core.Positions;
using Dashboard.Data.Positions;
using Microsoft.Extensions.Time.Testing;
using static Dashboard.Data.Tests.Positions.PositionTestData;

namespace Dashboard.Data.Tests.Positions;

public abstract class PositionRepositoryTests : DatabaseTests
{
    private static readonly DateTimeOffset Now = T0.AddMinutes(10);

    private async Task<(TestDatabase Db, PositionRepository Positions)> CreateAsync(int officers = 2)
    {
        var db = await CreateSeededAsync();
        await AddOfficersAsync(db, officers, Ct);
        return (db, new PositionRepository(db.Factory, new FakeTimeProvider(Now)));
    }

    [Fact]
    public async Task A_batch_appends_every_fix_to_the_track_and_moves_latest()
    {
        var (db, positions) = await CreateAsync(officers: 3);
        await using var _ = db;
        PositionFix[] batch = [Fix(1, 10, speed: 4.2), Fix(2, 11), Fix(3, 12, speed: 0)];

        var moved = await positions.WriteBatchAsync(batch, Ct);

        Assert.Equal(batch, moved);
        Assert.Equal(3, await positions.CountTrackRowsAsync(Ct));
        Assert.Equal(batch, await positions.LatestAsync(Ct));
        Assert.Equal(batch[0], await positions.LatestOfAsync(1, Ct));
    }

    [Fact]
    public async Task A_late_fix_is_kept_in_the_track_but_never_moves_latest_back()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(1, 60), Fix(2, 60)], Ct);

        var moved = await positions.WriteBatchAsync([Fix(1, 30), Fix(2, 90)], Ct);

        Assert.Equal([Fix(2, 90)], moved);
        Assert.Equal(Fix(1, 60), await positions.LatestOfAsync(1, Ct));
        Assert.Equal(Fix(2, 90), await positions.LatestOfAsync(2, Ct));
        Assert.Equal([Fix(1, 30), Fix(1, 60)], await positions.TrackAsync(1, T0, T0.AddHours(1), ct: Ct));
    }

    [Fact]
    public async Task A_fix_as_old_as_the_stored_one_does_not_move_latest()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(1, 60)], Ct);

        var moved = await positions.WriteBatchAsync([Fix(1, 60, speed: 3)], Ct);

        Assert.Empty(moved);
        Assert.Equal(Fix(1, 60), await positions.LatestOfAsync(1, Ct));
        Assert.Equal(2, await positions.CountTrackRowsAsync(Ct));
    }

    [Fact]
    public async Task Of_two_fixes_of_one_officer_in_a_batch_the_newest_becomes_latest_whatever_their_order()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;

        var moved = await positions.WriteBatchAsync([Fix(1, 20), Fix(2, 5), Fix(1, 40), Fix(1, 30)], Ct);

        Assert.Equal([Fix(1, 40), Fix(2, 5)], moved);
        Assert.Equal(Fix(1, 40), await positions.LatestOfAsync(1, Ct));
        Assert.Equal([Fix(1, 20), Fix(1, 30), Fix(1, 40)], await positions.TrackAsync(1, T0, T0.AddHours(1), ct: Ct));
    }

    [Fact]
    public async Task Track_returns_the_officers_fixes_from_inclusive_to_exclusive_oldest_first_up_to_the_limit()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(1, 50), Fix(1, 10), Fix(2, 20), Fix(1, 30), Fix(1, 20), Fix(1, 40)], Ct);

        var window = await positions.TrackAsync(1, T0.AddSeconds(20), T0.AddSeconds(50), ct: Ct);
        var limited = await positions.TrackAsync(1, T0, T0.AddHours(1), limit: 2, Ct);
        var none = await positions.TrackAsync(2, T0.AddSeconds(21), T0.AddHours(1), ct: Ct);

        Assert.Equal([Fix(1, 20), Fix(1, 30), Fix(1, 40)], window);
        Assert.Equal([Fix(1, 10), Fix(1, 20)], limited);
        Assert.Empty(none);
    }

    [Fact]
    public async Task Latest_lists_each_officer_once_by_id_and_an_officer_without_fixes_has_none()
    {
        var (db, positions) = await CreateAsync(officers: 5);
        await using var _ = db;
        await positions.WriteBatchAsync([Fix(4, 10), Fix(2, 10)], Ct);
        await positions.WriteBatchAsync([Fix(2, 20), Fix(4, 5)], Ct);

        Assert.Equal([Fix(2, 20), Fix(4, 10)], await positions.LatestAsync(Ct));
        Assert.Null(await positions.LatestOfAsync(3, Ct));
    }

    [Fact]
    public async Task A_fix_of_an_unknown_officer_fails_the_whole_batch_and_writes_nothing()
    {
        var (db, positions) = await CreateAsync();
        await using var _ = db;

        await Assert.ThrowsAnyAsync<DbException>(() => positions.WriteBatchAsync([Fix(1, 10), Fix(999, 10)], Ct));

        Assert.Equal(0, await positions.CountTrackRowsAsync(Ct));
        Assert.Empty(await positions.LatestAsync(Ct));
    }
}

public sealed class SqlitePositionRepositoryTests : PositionRepositoryTests
{
    private const int Officers = 300;

    protected override Task<TestDatabase> CreateEmptyAsync() => Task.FromResult<TestDatabase>(SqliteTestDatabase.Create());

    [Fact]
    public async Task A_batch_steps_aside_for_a_waiting_report_and_ends_exactly_as_if_written_whole()
    {
        var batch = Walks(Officers, fixesEach: 60);
        await using var whole = await SeededAsync();
        await using var sliced = await SeededAsync();
        var wholeProgress = new PositionBatchProgress();
        var wholeMoved = await Positions(whole).WriteBatchAsync(batch, writePatrol: true, wholeProgress, Ct);

        var slicedProgress = new PositionBatchProgress();
        Task<IReadOnlyList<PositionFix>> writing;
        var first = await sliced.Factory.WriteTurnAsync(Ct); // a report holds the main file
        writing = Task.Run(() => Positions(sliced).WriteBatchAsync(batch, writePatrol: true, slicedProgress, Ct), Ct);
        await WaitUntilAsync(() => slicedProgress.Committed == batch.Count);
        await Task.Delay(200, Ct); // the batch now waits for the main file
        // The gate passes to the waiting batch at once, so the next report finds it held and waits.
        await first.DisposeAsync();
        await using (await sliced.Factory.WriteTurnAsync(Ct))
        {
            Assert.False(writing.IsCompleted);
            Assert.InRange(slicedProgress.LatestDone, 1, Officers - 1);
        }

        var slicedMoved = await writing;

        Assert.Equal(2, wholeProgress.Transactions); // the tracks file, then the main file
        Assert.True(slicedProgress.Transactions > 2, "the batch never stepped aside");
        Assert.Equal(wholeMoved, slicedMoved);
        Assert.Equal(batch.Count, await Positions(sliced).CountTrackRowsAsync(Ct));
        Assert.Equal(await Positions(whole).LatestAsync(Ct), await Positions(sliced).LatestAsync(Ct));
        Assert.Equal(await PatrolDaysAsync(whole), await PatrolDaysAsync(sliced));
    }

    [Fact]
    public async Task A_batch_cut_short_after_its_tracks_and_retried_with_its_progress_appends_them_once()
    {
        var batch = Walks(Officers, fixesEach: 40);
        await using var whole = await SeededAsync();
        await Positions(whole).WriteBatchAsync(batch, Ct);
        await using var db = await SeededAsync();
        var positions = Positions(db);
        var progress = new PositionBatchProgress();
        using var cut = CancellationTokenSource.CreateLinkedTokenSource(Ct);

        await using (await db.Factory.WriteTurnAsync(Ct)) // a report holds the main file
        {
            var first = Task.Run(() => positions.WriteBatchAsync(batch, writePatrol: true, progress, cut.Token), Ct);
            await WaitUntilAsync(() => progress.Committed == batch.Count || first.IsCompleted);
            await cut.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => first);
        }

        Assert.Equal(batch.Count, progress.Committed);
        Assert.Empty(await positions.LatestAsync(Ct));

        var moved = await positions.WriteBatchAsync(batch, writePatrol: true, progress, Ct);

        Assert.Equal(Officers, moved.Count);
        Assert.Equal(batch.Count, await positions.CountTrackRowsAsync(Ct));
        Assert.Equal(await Positions(whole).LatestAsync(Ct), await positions.LatestAsync(Ct));
        Assert.Equal(await PatrolDaysAsync(whole), await PatrolDaysAsync(db));
    }

    [Fact]
    public async Task A_report_writes_the_main_file_while_track_appends_hold_the_tracks_file()
    {
        await using var db = await SeededAsync();
        var positions = Positions(db);
        Task<IReadOnlyList<PositionFix>> writing;
        await using (var otherNode = (Microsoft.Data.Sqlite.SqliteConnection)await db.Factory.OpenTracksAsync(Ct))
        {
            // Another writer of tracks holds the file's write lock, so the batch cannot append.
            using var held = otherNode.BeginTransaction(deferred: false);
            writing = Task.Run(() => positions.WriteBatchAsync(Walks(Officers, fixesEach: 10), Ct), Ct);
            await Task.Delay(100, Ct);

            var report = Task.Run(async () =>
            {
                await using (await db.Factory.WriteTurnAsync(Ct))
                {
                    await using var main = await db.Factory.OpenAsync(Ct);
                    await Dapper.SqlMapper.ExecuteAsync(main, "UPDATE officers SET name = name || '' WHERE id = 1");
                }
            }, Ct);
            await report.WaitAsync(TimeSpan.FromSeconds(2), Ct);

            Assert.False(writing.IsCompleted, "the batch did not wait for the tracks file");
            held.Rollback();
        }

        Assert.Equal(Officers, (await writing).Count);
        Assert.Equal(Officers * 10, await positions.CountTrackRowsAsync(Ct));
    }

    [Fact]
    public async Task Tracks_are_not_in_the_main_file()
    {
        await using var db = await SeededAsync();
        await Positions(db).WriteBatchAsync([Fix(1, 10)], Ct);

        await using var main = await db.Factory.OpenAsync(Ct);
        Assert.Equal(0, await Dapper.SqlMapper.ExecuteScalarAsync<int>(main, Dashboard.Data.Positions.TrackFile.MainHasTracksSqliteSql));
        Assert.Equal(1, await Positions(db).CountTrackRowsAsync(Ct));
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(10), "timed out");
            await Task.Delay(5, Ct);
        }
    }

    private async Task<TestDatabase> SeededAsync()
    {
        var db = await CreateSeededAsync();
        await AddOfficersAsync(db, Officers, Ct);
        return db;
    }

    private static PositionRepository Positions(TestDatabase db) => new(db.Factory, new FakeTimeProvider(T0.AddHours(2)));

    // Each officer walks north, one fix every 10 s, interleaved as phones upload them.
    private static List<PositionFix> Walks(int officers, int fixesEach) =>
        [.. Enumerable.Range(0, fixesEach).SelectMany(k => Enumerable.Range(1, officers).Select(id =>
            new PositionFix(id, 29.9 + k * 1e-4, 121.6 + id * 1e-3, T0.AddSeconds(k * 10), null, null, null)))];

    private static async Task<List<(int, string, double, int)>> PatrolDaysAsync(TestDatabase db)
    {
        await using var connection = await db.Factory.OpenAsync(Ct);
        var rows = await Dapper.SqlMapper.QueryAsync<(long, string, double, long)>(connection,
            "SELECT officer_id, day, distance_m, fixes FROM officer_patrol_days ORDER BY officer_id, day");
        return [.. rows.Select(r => ((int)r.Item1, r.Item2, Math.Round(r.Item3, 6), (int)r.Item4))];
    }
}
